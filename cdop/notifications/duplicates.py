"""Finding notifications and cases that may be about the same child.

Several professionals notify the same death (domain.md §4), so every new notification is
compared with the area's open and recent cases and with the other new notifications. The
database narrows the field (same area; date of death within two days, or the same NHS number
by its blind index, or the same date of birth), then each candidate is scored here in Python
with reasons a person can read. Nothing is ever merged automatically: staff decide, on the
notification page.
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from cdop.cases.models import Case
from cdop.cases.workflow import OPEN, Status
from cdop.core.crypto import blind_index, decrypt, normalise_nhs_number
from cdop.core.db import db_date, fetch_rows
from cdop.notifications.models import Notification

# Closed cases stay candidates for this long after they were opened (a late notifier).
RECENT_CASE_DAYS = 2 * 365
DEATH_WINDOW_DAYS = 2
LIKELY_SCORE = 75
POSSIBLE_SCORE = 40
# Jaro-Winkler similarity above which names count as spelling variants: Smith ~ Smyth (0.89),
# Mohammed ~ Muhammad (0.85); Olivia and Oliver (0.87) stay different first names.
SIMILAR_SURNAME = 0.85
SIMILAR_FIRST_NAME = 0.88


class Band(enum.IntEnum):
    POSSIBLE = 1
    LIKELY = 2
    CERTAIN = 3

    @property
    def label(self) -> str:
        return {
            Band.CERTAIN: "Certain: same NHS number",
            Band.LIKELY: "Likely",
            Band.POSSIBLE: "Possible",
        }[self]


class ChildDetails(Protocol):
    """What a case and a notification both know about the child (cases.models.ChildDeath)."""

    child_first_name: str
    child_last_name: str
    child_date_of_birth: datetime.date
    child_nhs_number: str
    child_postcode: str
    date_of_death: datetime.date


class NotifiedChild(ChildDetails, Protocol):
    """A new notification as the queue's hint reads it: a Notification, or the queue's
    plain row of one (selectors.QueuedNotification)."""

    pk: int
    area_id: int
    case_id: int | None


@dataclass(frozen=True)
class Match:
    band: Band
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A case or a new notification that may be about the same child."""

    match: Match
    case: Case | None = None
    notification: Notification | None = None

    @property
    def reference(self) -> str:
        target = self.case or self.notification
        return target.reference if target is not None else ""

    @property
    def is_case(self) -> bool:
        return self.case is not None


# --- Comparing names ---------------------------------------------------------------------

# Only the common, unambiguous short forms; anything subtler is for a person to judge.
_NICKNAMES: dict[str, frozenset[str]] = {
    "alexander": frozenset({"alex", "alec", "sandy"}),
    "alexandra": frozenset({"alex", "lexi", "sandra"}),
    "benjamin": frozenset({"ben", "benji"}),
    "catherine": frozenset({"cath", "cathy", "kate", "katie"}),
    "katherine": frozenset({"kath", "kathy", "kate", "katie"}),
    "charles": frozenset({"charlie", "chas"}),
    "charlotte": frozenset({"charlie", "lottie"}),
    "christopher": frozenset({"chris"}),
    "daniel": frozenset({"dan", "danny"}),
    "elizabeth": frozenset({"liz", "lizzie", "beth", "betsy", "eliza"}),
    "henry": frozenset({"harry", "hal"}),
    "james": frozenset({"jim", "jimmy", "jamie"}),
    "john": frozenset({"jack", "johnny"}),
    "joseph": frozenset({"joe", "joey"}),
    "margaret": frozenset({"maggie", "meg", "peggy"}),
    "matthew": frozenset({"matt"}),
    "michael": frozenset({"mike", "mikey"}),
    "nicholas": frozenset({"nick", "nicky"}),
    "rebecca": frozenset({"becky", "becca"}),
    "robert": frozenset({"rob", "robbie", "bob", "bobby"}),
    "samuel": frozenset({"sam", "sammy"}),
    "samantha": frozenset({"sam", "sammy"}),
    "thomas": frozenset({"tom", "tommy"}),
    "william": frozenset({"will", "bill", "billy", "liam"}),
}


@functools.lru_cache(maxsize=8192)  # a queue page compares the same names many times
def normalise_name(value: str) -> str:
    """Lower case, no accents, no hyphens, spaces or apostrophes: "Smith-Jones", "smith
    jones" and "Smithjones" all become "smithjones"; "Zoë" becomes "zoe"."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]", "", without_accents.casefold())


def _name_parts(value: str) -> set[str]:
    return {normalise_name(part) for part in re.split(r"[\s\-']+", value) if part.strip()} - {""}


def jaro_winkler(a: str, b: str) -> float:
    """Similarity of two strings from 0 to 1, weighted to a shared start (good for names)."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    reach = max(max(len(a), len(b)) // 2 - 1, 0)
    a_flags = [False] * len(a)
    b_flags = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - reach), min(len(b), i + reach + 1)):
            if not b_flags[j] and b[j] == ch:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_matched = [ch for ch, flag in zip(a, a_flags, strict=True) if flag]
    b_matched = [ch for ch, flag in zip(b, b_flags, strict=True) if flag]
    transpositions = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


@functools.lru_cache(maxsize=4096)
def _nicknames_of(name: str) -> frozenset[str]:
    found = {name}
    for full, short in _NICKNAMES.items():
        if name == full or name in short:
            found |= {full, *short}
    return frozenset(found)


def _compare_surnames(a: str, b: str) -> tuple[int, str | None]:
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0, None
    if na == nb:
        if a.strip().casefold() == b.strip().casefold():
            return 30, "Same surname"
        return 30, f"Same surname, written differently (“{a}” and “{b}”)"
    if jaro_winkler(na, nb) >= SIMILAR_SURNAME:
        return 20, f"Similar surname, perhaps a spelling variant (“{a}” and “{b}”)"
    if _name_parts(a) & _name_parts(b):
        return 15, f"Surnames share a part (“{a}” and “{b}”)"
    return 0, None


def _compare_first_names(a: str, b: str) -> tuple[int, str | None, bool]:
    """(points, reason, clearly different)."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0, None, False
    if na == nb:
        return 25, "Same first name", False
    if nb in _nicknames_of(na):
        return 20, f"First names may be the same person (“{a}” and “{b}”)", False
    if jaro_winkler(na, nb) >= SIMILAR_FIRST_NAME:
        return 20, f"Similar first name, perhaps a spelling variant (“{a}” and “{b}”)", False
    return 0, f"Different first names (“{a}” and “{b}”): perhaps a twin or a sibling", True


# --- Comparing dates, postcodes and NHS numbers -------------------------------------------


def _swapped(value: datetime.date) -> datetime.date | None:
    """The date with its day and month exchanged (12/03 read as 03/12), if that is a date."""
    if value.day > 12 or value.day == value.month:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


def _nhs(value: str) -> str:
    """The number as its blind index reads it, so that the database's narrowing by the index
    and this comparison agree on which records have a number, and which the same one."""
    return normalise_nhs_number(value)


def _postcode(value: str) -> str:
    return re.sub(r"\s", "", (value or "").upper())


def _outward(postcode: str) -> str:
    # The inward code is always a digit and two letters; the rest is the outward code.
    return postcode[:-3] if len(postcode) >= 5 else postcode


def duplicate_match(a: ChildDetails, b: ChildDetails) -> Match | None:
    """How likely two records are to be about the same child, and why; None if unlikely.

    The same NHS number is certain. Otherwise points for names, dates and postcode; a clear
    difference (another first name, another date of birth, another NHS number) holds the
    match at "Possible" however many other details agree, because twins share the rest.
    """
    reasons: list[str] = []
    score = 0
    against = False

    nhs_a, nhs_b = _nhs(a.child_nhs_number), _nhs(b.child_nhs_number)
    certain = bool(nhs_a) and nhs_a == nhs_b
    if nhs_a and nhs_b and not certain:
        score -= 30
        against = True
        reasons.append("Different NHS numbers")

    points, reason = _compare_surnames(a.child_last_name, b.child_last_name)
    score += points
    reasons += [reason] if reason else []
    points, reason, different = _compare_first_names(a.child_first_name, b.child_first_name)
    score += points
    reasons += [reason] if reason else []
    against = against or different

    if a.child_date_of_birth == b.child_date_of_birth:
        score += 25
        reasons.append("Same date of birth")
    elif _swapped(a.child_date_of_birth) == b.child_date_of_birth:
        score += 15
        reasons.append("Same date of birth with the day and month swapped")
    else:
        score -= 15
        against = True
        reasons.append("Different dates of birth")

    days_apart = abs((a.date_of_death - b.date_of_death).days)
    if days_apart == 0:
        score += 15
        reasons.append("Same date of death")
    elif days_apart == 1:
        score += 10
        reasons.append("Dates of death one day apart")
    elif days_apart > DEATH_WINDOW_DAYS:
        score -= 10
        reasons.append(f"Dates of death {days_apart} days apart")

    post_a, post_b = _postcode(a.child_postcode), _postcode(b.child_postcode)
    if post_a and post_b:
        if post_a == post_b:
            score += 10
            reasons.append("Same postcode")
        elif _outward(post_a) == _outward(post_b):
            score += 5
            reasons.append(f"Postcodes in the same district ({_outward(post_a)})")
        else:
            score -= 5
            reasons.append("Different postcodes")

    if certain:
        return Match(Band.CERTAIN, 100 + score, ("Same NHS number", *reasons))
    if score >= LIKELY_SCORE and not against:
        return Match(Band.LIKELY, score, tuple(reasons))
    if score >= POSSIBLE_SCORE:
        return Match(Band.POSSIBLE, score, tuple(reasons))
    return None


# --- Finding candidates ------------------------------------------------------------------


@dataclass
class _Filter:
    """The narrowing done in SQL: the keys a candidate must share with the notification."""

    notification: NotifiedChild
    dates_of_birth: set[datetime.date] = field(default_factory=set)

    def __post_init__(self) -> None:
        dob = self.notification.child_date_of_birth
        self.dates_of_birth = {dob} | ({_swapped(dob)} - {None})  # type: ignore[operator]

    @functools.cached_property
    def nhs(self) -> str:
        return _nhs(self.notification.child_nhs_number)

    @functools.cached_property
    def nhs_index(self) -> str:
        """The NHS number's blind index: the number itself is encrypted in the database."""
        return blind_index("nhs_number", self.nhs)

    @property
    def death_window(self) -> tuple[datetime.date, datetime.date]:
        day = self.notification.date_of_death
        delta = datetime.timedelta(days=DEATH_WINDOW_DAYS)
        return day - delta, day + delta

    def q(self) -> Q:
        query = Q(date_of_death__range=self.death_window) | Q(
            child_date_of_birth__in=self.dates_of_birth
        )
        if self.nhs:
            query |= Q(child_nhs_number_index=self.nhs_index)
        return query


def _candidate_cases(area_ids: Iterable[int]) -> Q:
    recent = timezone.now() - datetime.timedelta(days=RECENT_CASE_DAYS)
    return (
        Q(area_id__in=list(area_ids))
        & ~Q(status=Status.MERGED)
        & (Q(status__in=list(OPEN)) | Q(opened_at__gte=recent))
    )


def _ranked(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (-c.match.band, -c.match.score, c.reference))


def duplicate_candidates(*, notification: Notification) -> list[Candidate]:
    """Cases and new notifications in the notification's area that may be the same child,
    the most likely first."""
    narrow = _Filter(notification)
    cases = (
        Case.objects.filter(_candidate_cases([notification.area_id]))
        .filter(narrow.q())
        .order_by("-opened_at")[:200]
    )
    if notification.case_id is not None:
        cases = cases.exclude(pk=notification.case_id)
    others = (
        Notification.objects.filter(area_id=notification.area_id, status=Notification.Status.NEW)
        .exclude(pk=notification.pk)
        .filter(narrow.q())
        .order_by("-received_at")[:200]
    )
    found: list[Candidate] = []
    for case in cases:
        match = duplicate_match(notification, case)
        if match is not None:
            found.append(Candidate(match=match, case=case))
    for other in others:
        match = duplicate_match(notification, other)
        if match is not None:
            found.append(Candidate(match=match, notification=other))
    return _ranked(found)


def duplicate_best_bands(*, notifications: Sequence[NotifiedChild]) -> dict[int, Band]:
    """For a page of the queue: each notification's strongest candidate band, where it is
    Likely or Certain (the queue flags only those).

    A Certain match is the same NHS number, which the database finds by its blind index
    without decrypting anything (_certain). A Likely match needs the same date of birth (or
    with day and month swapped: any other difference holds a match at Possible), and for a
    notification with an NHS number, a candidate without one (another number holds it at
    Possible too): only those rows are read and decrypted (_likely_pool), and each
    notification is compared only with the rows that share a date of birth with it.
    """
    if not notifications:
        return {}
    filters = [_Filter(n) for n in notifications]
    best = _certain(filters)
    # The pool by date of birth, and under each by area and by the details duplicate_match
    # reads: records with the same details score the same, so a notification is scored once
    # against each group, not once against each record (several notifications of one death,
    # or a form sent again and again, made the page compare every pair).
    groups: dict[datetime.date, dict[tuple[int, _Record], set[tuple[type, int]]]] = {}
    for kind, pk, area_id, details in _likely_pool(filters):
        by_details = groups.setdefault(details.child_date_of_birth, {})
        by_details.setdefault((area_id, details), set()).add((kind, pk))
    bands: dict[tuple[_Record, _Record], Band | None] = {}
    for narrow in filters:
        notification = narrow.notification
        if notification.pk in best:
            continue  # Certain: nothing stronger to find
        mine = _details(notification)
        own = _own(notification)
        for key in narrow.dates_of_birth:
            for (area_id, details), members in groups.get(key, {}).items():
                if area_id != notification.area_id or members <= own:
                    continue
                pair = (mine, details)
                if pair not in bands:
                    match = duplicate_match(mine, details)
                    bands[pair] = match.band if match is not None else None
                band = bands[pair]
                if band is not None and band >= Band.LIKELY and band > best.get(notification.pk, 0):
                    best[notification.pk] = band
    return best


# Most records carry an NHS number: for a notification with one, only candidates without
# one can be Likely, so a backlog of one child's notifications (or of many children born on
# one day) is neither read nor decrypted unless it can change the hint.
_POOL_LIMIT = 10_000


def _own(notification: NotifiedChild) -> set[tuple[type, int]]:
    """A notification is not compared with itself, nor with the case it was added to."""
    own: set[tuple[type, int]] = {(Notification, notification.pk)}
    if notification.case_id is not None:
        own.add((Case, notification.case_id))
    return own


def _marks(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


def _candidate_cases_sql(area_ids: Sequence[int]) -> tuple[str, list[object]]:
    """_candidate_cases as SQL text and its parameters: the queue's two statements are
    written as text (decision 77), as building them through the ORM cost several times what
    the database took to answer."""
    recent = timezone.now() - datetime.timedelta(days=RECENT_CASE_DAYS)
    opened = sorted(OPEN)
    return (
        f"area_id IN ({_marks(area_ids)}) AND status <> %s"
        f" AND (status IN ({_marks(opened)}) OR opened_at >= %s)",
        [
            *area_ids,
            str(Status.MERGED),
            *map(str, opened),
            connection.ops.adapt_datetimefield_value(recent),
        ],
    )


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(Case._meta.db_table), quote(Notification._meta.db_table)


def _certain(filters: Sequence[_Filter]) -> dict[int, Band]:
    """The notifications that share their NHS number with a candidate: one statement that
    counts, by area and blind index, the candidate cases and new notifications (nothing is
    decrypted). A group holds another record than the notification's own when it counts
    more than one, or its one record is not the notification's own."""
    numbers = sorted({f.nhs_index for f in filters} - {""})
    if not numbers:
        return {}
    area_ids = sorted({f.notification.area_id for f in filters})
    cases, notifications = _tables()
    candidate, candidate_params = _candidate_cases_sql(area_ids)
    counted = "area_id, child_nhs_number_index, COUNT(*), MIN(id)"
    grouped = "GROUP BY area_id, child_nhs_number_index"
    sql = (
        f"SELECT 0, {counted} FROM {cases} WHERE {candidate}"  # noqa: S608 - only names and marks
        f" AND child_nhs_number_index IN ({_marks(numbers)}) {grouped}"
        f" UNION ALL SELECT 1, {counted} FROM {notifications}"
        f" WHERE area_id IN ({_marks(area_ids)}) AND status = %s"
        f" AND child_nhs_number_index IN ({_marks(numbers)}) {grouped}"
    )
    params = [*candidate_params, *numbers, *area_ids, str(Notification.Status.NEW), *numbers]
    found: dict[tuple[int, str, type], tuple[int, int]] = {
        (area_id, number, Notification if kind else Case): (records, lowest)
        for kind, area_id, number, records, lowest in fetch_rows(sql, params)
    }
    best: dict[int, Band] = {}
    for narrow in filters:
        notification = narrow.notification
        own = dict(_own(notification))
        for kind in (Case, Notification):
            records, lowest = found.get((notification.area_id, narrow.nhs_index, kind), (0, 0))
            if records > 1 or (records == 1 and lowest != own.get(kind)):
                best[notification.pk] = Band.CERTAIN
    return best


def _decrypted(value: str | None) -> str:
    """An encrypted column's value as its field gives it (EncryptedMixin.from_db_value)."""
    return decrypt(value) if value else (value or "")


def _likely_pool(filters: Sequence[_Filter]) -> list[tuple[type, int, int, _Record]]:
    """The candidate cases and new notifications that could be a Likely match of one of
    these notifications: the same area and a date of birth it looks for, and no NHS number
    where the notification has one. One statement; only its rows are decrypted."""
    area_ids = sorted({f.notification.area_id for f in filters})
    with_number = set().union(*(f.dates_of_birth for f in filters if f.nhs))
    without_number = sorted(set().union(*(f.dates_of_birth for f in filters if not f.nhs)))
    only_numbered = sorted(with_number - set(without_number))
    adapt = connection.ops.adapt_datefield_value
    keys: list[str] = []
    key_params: list[object] = []
    if without_number:
        keys.append(f"child_date_of_birth IN ({_marks(without_number)})")
        key_params += map(adapt, without_number)
    if only_numbered:
        keys.append(
            f"(child_date_of_birth IN ({_marks(only_numbered)}) AND child_nhs_number_index = %s)"
        )
        key_params += [*map(adapt, only_numbered), ""]
    if not keys:
        return []
    cases, notifications = _tables()
    candidate, candidate_params = _candidate_cases_sql(area_ids)
    columns = (
        "id, area_id, child_first_name, child_last_name, child_date_of_birth,"
        " child_nhs_number, child_postcode, date_of_death"
    )
    sql = (
        f"SELECT 0, {columns} FROM {cases} WHERE {candidate} AND ({' OR '.join(keys)})"  # noqa: S608
        f" UNION ALL SELECT 1, {columns} FROM {notifications}"
        f" WHERE area_id IN ({_marks(area_ids)}) AND status = %s AND ({' OR '.join(keys)})"
        f" LIMIT {_POOL_LIMIT}"
    )
    params = [
        *candidate_params,
        *key_params,
        *area_ids,
        str(Notification.Status.NEW),
        *key_params,
    ]
    return [
        (
            Notification if kind else Case,
            pk,
            area_id,
            _Record(
                _decrypted(first),
                _decrypted(last),
                db_date(born),  # type: ignore[arg-type]
                _decrypted(nhs),
                _decrypted(post),
                db_date(died),  # type: ignore[arg-type]
            ),
        )
        for kind, pk, area_id, first, last, born, nhs, post, died in fetch_rows(sql, params)
    ]


@dataclass(unsafe_hash=True)
class _Record:
    """Everything duplicate_match reads of a record (ChildDetails), comparable and hashable:
    records with equal details score alike."""

    child_first_name: str
    child_last_name: str
    child_date_of_birth: datetime.date
    child_nhs_number: str
    child_postcode: str
    date_of_death: datetime.date


def _details(record: ChildDetails) -> _Record:
    return _Record(
        record.child_first_name,
        record.child_last_name,
        record.child_date_of_birth,
        record.child_nhs_number,
        record.child_postcode,
        record.date_of_death,
    )
