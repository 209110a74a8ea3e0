"""Finding a case from one search box: a reference, a name, an NHS number or a date of death.

Names are matched on keys stored with the case (filled by Case.save and by bulk loaders
through `case_search_keys_fill`), so a tolerant search is an indexed lookup however many cases
there are: the name as the duplicate finder normalises it ("Smith-Jones", "Smith Jones" and
"Smithjones" are one key), a phonetic key, so spelling variants ("Mohamed", "Muhammad") find
each other, and the name's first MIN_PREFIX letters ("Ash" finds "Ashford").

The names are encrypted at rest, so the keys are blind indexes (cdop.core.crypto: an HMAC,
never the name): equal names give equal keys, nothing else can be read from them. A longer
start typed ("Ashf", "Smith") is looked up in the case's name starts (CaseNameStart: one key
for each start of four letters up to START_KEY_LIMIT); a start longer than that is narrowed
by its first START_KEY_LIMIT letters' key and the rest is checked on the decrypted names of
those few cases (cdop.cases.selectors).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from cdop.accounts import permissions
from cdop.audit.services import audit_actor

# Imported by Case.save() when first needed, never by cdop.cases.models at load time: the
# duplicate finder imports the models itself.
from cdop.cases.models import Case, CaseNameStart
from cdop.core.crypto import blind_index
from cdop.core.db import write_turn
from cdop.notifications.duplicates import normalise_name

if TYPE_CHECKING:
    from cdop.accounts.models import User

# Soundex's letter groups: letters in one group sound alike. Vowels, h, w and y carry no code.
_SOUND_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}
# Prefixes at which a name search also matches longer names ("Ash" finds "Ashford").
MIN_PREFIX = 3
# The longest start of a name kept as a key of its own (CaseNameStart). 24 letters hold
# almost every first name and surname whole, double-barrelled ones too ("Fotheringham-
# Whitworth" is 21), and bound the rows of a case at 2 x 21; a longer start typed is
# narrowed by its first 24 letters' key and checked on the few decrypted names.
START_KEY_LIMIT = 24
KEY_LENGTH = 100


def phonetic_key(name: str) -> str:
    """Soundex without the four-character cut: the first sound, then the code of each
    following sound (a repeated code counts once unless a vowel separates it; h and w do not
    separate). "Mohamed", "Mohammed" and "Muhammad" all give "553"; "Smith" and "Smyth" give
    "253". Kept whole, so "Smithjones" (253252) stays apart from "Smithson" (25325)."""
    letters = normalise_name(name)
    if not letters:
        return ""
    # A first consonant stands for its sound group, so Catherine and Kathryn, Philip and
    # Filip share a key; a first vowel stays itself (Ava and Eva are different names).
    key = [_SOUND_CODES.get(letters[0], letters[0])]
    previous = _SOUND_CODES.get(letters[0], "")
    for letter in letters[1:]:
        code = _SOUND_CODES.get(letter, "")
        if code and code != previous:
            key.append(code)
        if letter not in "hw":
            previous = code
    return "".join(key)[:KEY_LENGTH]


@dataclass(frozen=True)
class SearchKeys:
    """A name's blind indexes (stored with a case, or looked up for a word typed)."""

    first_name: str
    last_name: str
    first_sound: str
    last_sound: str
    first_prefix: str = ""
    last_prefix: str = ""
    # The normalised text the keys come from: held in memory for a search, to make its start
    # keys and check a start longer than START_KEY_LIMIT letters on the candidates; never
    # stored.
    first_text: str = ""
    last_text: str = ""


def prefix_key(side: str, normalised: str) -> str:
    """The key of a normalised name's first MIN_PREFIX letters ("" when shorter)."""
    if len(normalised) < MIN_PREFIX:
        return ""
    return blind_index(f"{side}_prefix", normalised[:MIN_PREFIX])


def start_key(side: str, normalised: str) -> str:
    """The key of a normalised name's start longer than MIN_PREFIX letters, as CaseNameStart
    holds it; a longer start than START_KEY_LIMIT letters gives the key of its first
    START_KEY_LIMIT (the rest must then be checked on the names)."""
    if len(normalised) <= MIN_PREFIX:
        return ""
    return blind_index(f"{side}_start", normalised[:START_KEY_LIMIT])


def name_start_keys(*, first: str, last: str) -> set[str]:
    """The CaseNameStart keys of a child's normalised names: each start of each name from
    MIN_PREFIX + 1 letters to START_KEY_LIMIT (or the whole name when shorter)."""
    return {
        start_key(side, text[:length])
        for side, text in (("first", first), ("last", last))
        for length in range(MIN_PREFIX + 1, min(len(text), START_KEY_LIMIT) + 1)
    }


def _case_start_keys(case: Case) -> set[str]:
    return name_start_keys(
        first=normalise_name(case.child_first_name), last=normalise_name(case.child_last_name)
    )


def case_name_starts_write(*, cases: Sequence[Case], replace: bool = True) -> None:
    """Write the name-start rows of saved cases (Case.save, bulk loaders after
    bulk_create); `replace=False` for cases just inserted, which have none to remove."""
    if replace:
        CaseNameStart.objects.filter(case__in=[c.pk for c in cases]).delete()
    CaseNameStart.objects.bulk_create(
        [CaseNameStart(case_id=c.pk, key=key) for c in cases for key in _case_start_keys(c)],
        batch_size=1000,
    )


def case_name_starts_refresh(*, cases: Sequence[Case]) -> set[int]:
    """Rewrite the name-start rows of the cases whose rows are not what their names give
    (after BLIND_INDEX_KEY changed: rotate_field_keys --blind-index); their ids."""
    wanted = {c.pk: _case_start_keys(c) for c in cases}
    stored: dict[int, set[str]] = {pk: set() for pk in wanted}
    rows = CaseNameStart.objects.filter(case__in=list(wanted)).values_list("case_id", "key")
    for case_id, key in rows:
        stored[case_id].add(key)
    stale = [c for c in cases if stored[c.pk] != wanted[c.pk]]
    if stale:
        case_name_starts_write(cases=stale)
    return {c.pk for c in stale}


def case_search_keys(*, first_name: str, last_name: str) -> SearchKeys:
    """The stored keys for a child's names (the same for a case and for a search)."""
    first, last = normalise_name(first_name)[:KEY_LENGTH], normalise_name(last_name)[:KEY_LENGTH]
    return SearchKeys(
        first_name=blind_index("first_name", first),
        last_name=blind_index("last_name", last),
        first_sound=blind_index("first_sound", phonetic_key(first_name)),
        last_sound=blind_index("last_sound", phonetic_key(last_name)),
        first_prefix=prefix_key("first", first),
        last_prefix=prefix_key("last", last),
        first_text=first,
        last_text=last,
    )


def case_search_keys_fill(*, case: Case) -> None:
    """Set the case's search keys from its names (before a save or a bulk insert)."""
    keys = case_search_keys(first_name=case.child_first_name, last_name=case.child_last_name)
    case.search_first_name, case.search_last_name = keys.first_name, keys.last_name
    case.search_first_sound, case.search_last_sound = keys.first_sound, keys.last_sound
    case.search_first_prefix, case.search_last_prefix = keys.first_prefix, keys.last_prefix


# --- Understanding what was typed ---------------------------------------------------------

_REFERENCE = re.compile(r"^[A-Za-z]{2,10}-\d{4}-\d{1,6}$")
_NHS = re.compile(r"^[\d\s-]+$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_NAME = re.compile(r"^[^\W\d_]+(?:[\s'’\-.,]+[^\W\d_]+)*[.,]?$")


class SearchError(ValueError):
    """What was typed cannot be searched for; the message says how to fix it."""


@dataclass(frozen=True)
class SearchQuery:
    kind: Literal["reference", "nhs_number", "date_of_death", "name"]
    text: str  # as typed, for the audit log and to show back
    reference: str = ""
    nhs_number: str = ""
    date_of_death: dt.date | None = None
    # A name: each word's keys, in the order typed.
    words: tuple[SearchKeys, ...] = ()


def _date(day: int, month: int, year: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise SearchError(
            f"“{text}” is not a real date. Enter a date of death like 3/11/2026 or 3 November 2026"
        ) from None


def search_parse(text: str) -> SearchQuery:
    """What kind of thing was typed, and its value; SearchError if it is none of them.

    Dates are read day first (3/11/2026 is 3 November), as people in England write them;
    two-digit years are 20xx, since every case is a death in this century.
    """
    text = " ".join(text.split())
    if _REFERENCE.match(text):
        return SearchQuery(kind="reference", text=text, reference=text.upper())
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
        return SearchQuery(
            kind="date_of_death", text=text, date_of_death=_date(day, month, year, text)
        )
    if match := _NUMERIC_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
        return SearchQuery(
            kind="date_of_death", text=text, date_of_death=_date(day, month, year, text)
        )
    if match := _WORDS_DATE.match(text):
        month_number = _MONTHS.get(match.group(2).casefold())
        if month_number is None:
            raise SearchError(
                f"“{match.group(2)}” is not a month. Enter a date of death like 3 November 2026"
            )
        day, year = int(match.group(1)), int(match.group(3))
        return SearchQuery(
            kind="date_of_death", text=text, date_of_death=_date(day, month_number, year, text)
        )
    if _NHS.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) != 10:
            raise SearchError(
                f"An NHS number has 10 digits; “{text}” has {len(digits)}. "
                "Check the number, or search by name or date of death"
            )
        return SearchQuery(kind="nhs_number", text=text, nhs_number=digits)
    if _NAME.match(text):
        words = tuple(
            case_search_keys(first_name=word, last_name=word)
            for word in re.split(r"[\s,]+", text)
            if normalise_name(word)
        )
        if words:
            return SearchQuery(kind="name", text=text, words=words)
    raise SearchError(
        "Enter a case reference (like LLR-2024-0107), a child’s name, "
        "an NHS number or a date of death (like 3/11/2026)"
    )


# --- Recording who searched for what -------------------------------------------------------


def case_list_audit(
    *, user: User, kind: Literal["search", "export"], terms: dict[str, object], results: int
) -> None:
    """Write an audit entry for a search or an export of the case list.

    What was searched for is personal data (a child's name, an NHS number), so it is kept
    only in the audit log, which only administrators read: one "viewed" entry per area the
    list covered, so each area's administrators see the searches of their cases.
    """
    content_type = ContentType.objects.get_for_model(Case)
    label = "list search" if kind == "search" else "list export"
    # The audit log's words for a read that was a search or an export (its audit_action).
    data: dict[str, object] = (
        {"search": terms, "results": results}
        if kind == "search"
        else {"export": "case_list", "filters": terms, "results": results}
    )
    areas = permissions.area_ids_with_roles(user, permissions.CASE_READERS)
    # All the entries or none; one entry (one area, almost always) is one statement already,
    # and a transaction around it would cost two round trips more on every search.
    # On SQLite the entry waits its turn to write behind the other processes' (write_turn)
    # rather than sleeping in SQLite's busy handler, as every audited read does.
    with (
        audit_actor(user),
        write_turn(),
        transaction.atomic() if len(areas) > 1 else nullcontext(),
    ):
        for area_id in areas:
            LogEntry.objects.create(
                content_type=content_type,
                object_pk="",
                object_repr=label,
                action=LogEntry.Action.ACCESS,
                actor=user,
                additional_data=data | {"area_id": area_id},
            )
