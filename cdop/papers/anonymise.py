"""Taking the child and the family out of the words the panel reads.

Two separate steps, on purpose:

1. `Anonymiser.text` generalises what the summary is built from: the people of the case
   become roles ("the mother"), exact dates become days from the death ("3 days after the
   death") or a month and year, addresses, postcodes, NHS numbers, phone numbers, email
   addresses and references go. It knows the case's people and their roles.
2. `identifier_check` is the safety net: it knows nothing of roles or sentences, only every
   identifier of the case written every common way (names, NHS numbers with any spacing,
   postcodes in any case with or without the space, dates of birth in the usual written
   forms, addresses, the references), and removes any that slipped through step 1. The pack
   runs it over every piece of text, and once more over the text of the finished PDF.

Over-removal is the accepted cost: a surname that is also a word ("Day", "Rose") is removed
wherever it appears as a word.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

REMOVED_NAME = "[name removed]"
REMOVED_NHS = "[NHS number removed]"
REMOVED_POSTCODE = "[postcode removed]"
REMOVED_ADDRESS = "[address removed]"
REMOVED_DATE = "[date removed]"
REMOVED_DATE_OF_BIRTH = "[date of birth removed]"
REMOVED_REFERENCE = "[reference removed]"
REMOVED_PHONE = "[phone number removed]"
REMOVED_EMAIL = "[email removed]"
REMOVED_NUMBER = "[number removed]"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBER = {m.lower(): i + 1 for i, m in enumerate(MONTHS)} | {
    m[:3].lower(): i + 1 for i, m in enumerate(MONTHS)
}
_MONTH_NUMBER["sept"] = 9

# Words that say who someone is to the child; the first matching word names the role.
RELATIONSHIPS: dict[str, str] = {
    "stepmother": "the stepmother",
    "step-mother": "the stepmother",
    "stepfather": "the stepfather",
    "step-father": "the stepfather",
    "grandmother": "a grandparent",
    "grandma": "a grandparent",
    "nan": "a grandparent",
    "nana": "a grandparent",
    "grandfather": "a grandparent",
    "grandad": "a grandparent",
    "granddad": "a grandparent",
    "grandparent": "a grandparent",
    "mother": "the mother",
    "mum": "the mother",
    "mom": "the mother",
    "father": "the father",
    "dad": "the father",
    "half-brother": "a sibling",
    "half-sister": "a sibling",
    "brother": "a sibling",
    "sister": "a sibling",
    "sibling": "a sibling",
    "twin": "a sibling",
    "aunt": "an aunt",
    "auntie": "an aunt",
    "uncle": "an uncle",
    "cousin": "a cousin",
    "foster": "the foster carer",
    "guardian": "the guardian",
    "partner": "a partner of a parent",
    "carer": "a carer",
    "childminder": "the childminder",
    "babysitter": "a babysitter",
}
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master", "baby"})
# Words in a "name, relationship" line that are not part of the name.
_NOT_NAME_WORDS = (
    frozenset(RELATIONSHIPS)
    | TITLES
    | frozenset(
        {
            "and",
            "the",
            "of",
            "aged",
            "age",
            "years",
            "year",
            "old",
            "months",
            "month",
            "birth",
            "biological",
            "maternal",
            "paternal",
            "older",
            "younger",
            "lives",
            "living",
            "with",
            "at",
            "home",
            "child",
            "parental",
            "responsibility",
            "parent",
            "not",
            "known",
            "unknown",
            "in",
            "law",
            "step",
            "half",
            "main",
            "contact",
        }
    )
)
STREET_WORDS = frozenset(
    {
        "road",
        "rd",
        "street",
        "st",
        "avenue",
        "ave",
        "close",
        "lane",
        "ln",
        "drive",
        "dr",
        "way",
        "crescent",
        "court",
        "ct",
        "gardens",
        "place",
        "grove",
        "terrace",
        "walk",
        "row",
        "hill",
        "park",
        "square",
        "mews",
        "rise",
        "view",
        "green",
        "parade",
        "flat",
        "house",
        "cottage",
        "farm",
        "estate",
        "boulevard",
        "gate",
        "yard",
        "wharf",
        "fields",
        "meadow",
        "meadows",
    }
)

_WORD = r"[^\W\d_]"  # a letter, in any alphabet
_POSTCODE_ANY = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}(?![A-Za-z0-9])"
)
_EMAIL_ANY = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_ANY = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
# Ten digits written 3-3-4 (an NHS number, whoever's it is) or run together.
_TEN_DIGITS = re.compile(r"(?<![\d])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d])")
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_NAMES = "|".join(
    sorted(
        {m.lower() for m in MONTHS} | {m[:3].lower() for m in MONTHS} | {"sept"},
        key=len,
        reverse=True,
    )
)
# Any written date: 2025-03-14, 14/03/2025, 14-3-25, 14.03.2025, 14 March 2025, 14th Mar 2025,
# March 14, 2025 and March 14th 2025.
_DATE_ANY = re.compile(
    rf"""(?<![\w/.-])(?:
        (?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})
      | (?P<nd>\d{{1,2}})[/.-](?P<nm>\d{{1,2}})[/.-](?P<ny>\d{{4}}|\d{{2}})
      | (?P<wd>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<wm>{_MONTH_NAMES})\.?,?\s+(?P<wy>\d{{4}})
      | (?P<md>{_MONTH_NAMES})\.?\s+(?P<mdd>\d{{1,2}}){_ORDINAL},?\s+(?P<mdy>\d{{4}})
    )(?![\w/-])""",
    re.IGNORECASE | re.VERBOSE,
)


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def _flexible(phrase: str, *, joined: bool = False) -> str:
    """A phrase as a pattern: any run of spaces between words, either apostrophe, hyphen
    or space between the parts of a double-barrelled name. joined: the words may also run
    together, as text taken back out of a PDF sometimes does."""
    parts = []
    for word in phrase.split():
        escaped = "".join(
            "['’`]" if char in "'’`" else r"[\s-]*" if char == "-" else re.escape(char)
            for char in word
        )
        parts.append(escaped)
    return (r"\s*" if joined else r"\s+").join(parts)


def _digits_pattern(digits: str) -> str:
    """Digits with any spaces, hyphens or dots between them."""
    return r"[\s.-]*".join(re.escape(d) for d in digits)


def _postcode_pattern(postcode: str) -> str:
    compact = _compact(postcode)
    if len(compact) < 5:
        return re.escape(compact)
    return re.escape(compact[:-3]) + r"\s*" + re.escape(compact[-3:])


def date_patterns(day: date) -> list[str]:
    """A date in the usual written forms, as patterns (matched ignoring case)."""
    d, m, y = day.day, day.month, day.year
    month = MONTHS[m - 1]
    months = rf"(?:{month}|{month[:3]}{'|sept' if m == 9 else ''})(?:\.(?=\s))?"
    day_num = rf"0?{d}{_ORDINAL}"
    sep = r"\s*[/.\-]\s*"
    years = rf"(?:{y}|{y % 100:02d})"
    return [
        rf"{y}{sep}0?{m}{sep}0?{d}",  # 2025-03-14
        rf"0?{d}{sep}0?{m}{sep}{years}",  # 14/03/2025, 14-3-25, 14.03.2025
        rf"0?{m}{sep}0?{d}{sep}{years}",  # 03/14/2025, an American habit
        rf"{day_num}\s*(?:of\s+)?{months},?\s*{years}",  # 14 March 2025, 14th of Mar 25
        rf"{day_num}{sep}{months}{sep}{years}",  # 14-Mar-2025, 14/Mar/25
        # March 14, 2025 / March 14 25; the short year only after a space or comma, or
        # "December 2025" would read as December 20, (20)25.
        rf"{months}\s*{day_num}(?:,?\s*{y}|(?:,\s*|\s+){y % 100:02d})",
        rf"{d:02d}{m:02d}{y}",  # 14032025
        rf"{day_num}\s+(?:of\s+)?{months}(?!\s*,?\s*\d)",  # 14 March (a birthday)
    ]


@dataclass
class Person:
    name: str
    role: str  # how the papers speak of them: "the child", "the mother", "a family member"


@dataclass
class CaseIdentifiers:
    """Everything known about a case that could identify the child or the family."""

    people: list[Person] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)  # fragments: "12 Acacia Avenue"
    postcodes: list[str] = field(default_factory=list)
    nhs_numbers: list[str] = field(default_factory=list)
    dates_of_birth: list[date] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def name_words(self) -> set[str]:
        """Every word of every name, lower case, that could be matched on its own."""
        words = set()
        for person in self.people:
            for word in re.split(r"[\s,]+", person.name):
                word = word.strip(".()'\"’")
                if len(word) >= 2 and word.lower() not in TITLES:
                    words.add(word.lower())
        return words


def people_from_lines(text: str, *, default_role: str) -> list[Person]:
    """People named in free text written one a line, as the notification asks ("Jane Smith
    (mother)", "Father: John Smith, 07700 900123", "Tom Smith, brother, aged 6")."""
    people = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        # A role belongs to the name beside it, not to everyone on the line: "Father: John
        # Smith" (before it), "Jane Smith (mother); Tom Smith" (after it, and Tom is not
        # the mother).
        pending: str | None = None
        last_unroled: Person | None = None
        for segment in re.split(r"[,;:()/|&+]|\s[-–]\s|\sand\s", line):
            if _EMAIL_ANY.search(segment) or re.search(r"\d", segment):
                continue
            words = re.findall(r"[^\W\d_][\w'’-]*", segment)
            role = next(
                (RELATIONSHIPS[w.lower()] for w in words if w.lower() in RELATIONSHIPS), None
            )
            name_words = [w for w in words if w.lower() not in _NOT_NAME_WORDS]
            if name_words:
                person = Person(name=" ".join(name_words), role=role or pending or default_role)
                people.append(person)
                last_unroled = None if (role or pending) else person
                pending = None
            elif role is not None:
                if last_unroled is not None:
                    last_unroled.role = role
                    last_unroled = None
                else:
                    pending = role
    return people


def address_fragments(address: str) -> list[str]:
    """The parts of an address that point at a home: lines with a house number or a street
    word, with and without the number. The town alone stays (it is not a home)."""
    fragments: list[str] = []
    for part in re.split(r"[\n,]+", address):
        part = part.strip(" .")
        if not part or _POSTCODE_ANY.fullmatch(part):
            continue
        words = part.lower().split()
        has_number = bool(re.search(r"\d", part))
        if has_number or STREET_WORDS.intersection(words):
            fragments.append(part)
            without_number = re.sub(r"^(?:flat\s+)?\d+[a-z]?\s*,?\s*", "", part, flags=re.I)
            if without_number != part and len(without_number.split()) >= 2:
                fragments.append(without_number)
    return fragments


# --- The safety net --------------------------------------------------------------------------


@dataclass
class CheckResult:
    text: str
    found: list[str]  # the kinds of identifier removed: "name", "NHS number", ...


_TOKEN = re.compile(r"[^\W\d_](?:[\w'’`-]*\w)?")
_POSSESSIVE = re.compile(r"['’`]s$", re.IGNORECASE)


def _norm(word: str) -> str:
    """Lower case, one apostrophe, no accents: "Zoë" and "Zoe" are the same name."""
    folded = unicodedata.normalize("NFKD", word.lower().replace("’", "'").replace("`", "'"))
    return "".join(c for c in folded if not unicodedata.combining(c))


class IdentifierCheck:
    """Every known identifier of a case, prepared once per case.

    Names are looked up word by word in a set (fast, whatever the number of names); the
    rest (NHS numbers, postcodes, dates of birth, addresses, references, phone numbers,
    emails) is one pattern.
    """

    def __init__(self, identifiers: CaseIdentifiers, *, whole_names_only: bool = False) -> None:
        """whole_names_only: for the finished papers, whose own words ("Day 3 after") may be
        a family's surname: names are looked for whole (two of their words together), not
        word by word; every piece of case text in them was already checked word by word."""
        self.whole_names_only = whole_names_only
        self.name_words: set[str] = set()
        self.name_pairs: set[tuple[str, str]] = set()
        for word in identifiers.name_words():
            self.name_words.add(_norm(word))
            self.name_words.update(p for p in _norm(word).split("-") if len(p) >= 2)
        for person in identifiers.people:
            words = [_norm(w) for w in re.split(r"[\s-]+", person.name) if w.lower() not in TITLES]
            self.name_pairs.update(itertools.pairwise(words))
        alternatives: list[tuple[str, str]] = []  # (kind, pattern)
        for number in identifiers.nhs_numbers:
            digits = re.sub(r"\D", "", number)
            if len(digits) == 10:
                alternatives.append(("NHS number", _digits_pattern(digits)))
        for postcode in identifiers.postcodes:
            if len(_compact(postcode)) >= 5:
                alternatives.append(("postcode", _postcode_pattern(postcode)))
        for born in identifiers.dates_of_birth:
            patterns = date_patterns(born)
            if whole_names_only:  # "14 March" alone may be a date in the papers' own words
                patterns = patterns[:-1]
            alternatives.extend(("date of birth", p) for p in patterns)
        for fragment in identifiers.addresses:
            if len(fragment.strip()) >= 4:
                alternatives.append(("address", _flexible(fragment)))
        for reference in identifiers.references:
            if len(reference) >= 4:
                alternatives.append(("reference", _flexible(reference)))
        for phone in identifiers.phones:
            digits = re.sub(r"\D", "", phone)
            if len(digits) >= 6:
                alternatives.append(("phone number", _digits_pattern(digits)))
        for email in identifiers.emails:
            if "@" in email:
                alternatives.append(("email", re.escape(email.strip())))
        # Longest first, so that the longer of two overlapping identifiers goes as one.
        alternatives.sort(key=lambda a: len(a[1]), reverse=True)
        self.kinds = [kind for kind, _ in alternatives]
        self.pattern: re.Pattern[str] | None = None
        if alternatives:
            joined = "|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(alternatives))
            self.pattern = re.compile(rf"(?<![\w])(?:{joined})(?![\w])", re.IGNORECASE)

    def _is_name(self, word: str) -> bool:
        base = _norm(_POSSESSIVE.sub("", word)).rstrip("'")
        # A family by its name in the plural: "the Pennyfeathers", "the Joneses".
        forms = {base, base[:-1] if base.endswith("s") else base}
        if base.endswith("es"):
            forms.add(base[:-2])
        return any(
            form in self.name_words or any(p in self.name_words for p in form.split("-"))
            for form in forms
        )

    def __call__(self, text: str) -> CheckResult:
        if not text:
            return CheckResult(text=text, found=[])
        found: list[str] = []

        def replace(match: re.Match[str]) -> str:
            kind = self.kinds[int((match.lastgroup or "g0")[1:])]
            found.append(kind)
            return REPLACEMENTS[kind]

        if self.pattern is not None:
            text = self.pattern.sub(replace, text)
        if self.whole_names_only:
            return CheckResult(text=self._whole_names(text, found), found=found)

        def replace_name(match: re.Match[str]) -> str:
            word = match.group(0)
            if not self._is_name(word):
                return word
            found.append("name")
            possessive = _POSSESSIVE.search(word)
            return REMOVED_NAME + (possessive.group(0) if possessive else "")

        return CheckResult(text=_TOKEN.sub(replace_name, text), found=found)

    def _whole_names(self, text: str, found: list[str]) -> str:
        tokens = list(_TOKEN.finditer(text))
        spans: list[tuple[int, int]] = []

        def parts(token: re.Match[str]) -> list[str]:
            return _norm(_POSSESSIVE.sub("", token.group(0))).split("-")

        for token in tokens:  # "Smith-Jones" as one word
            if any(pair in self.name_pairs for pair in itertools.pairwise(parts(token))):
                spans.append((token.start(), token.end()))
        for first, second in itertools.pairwise(tokens):
            between = text[first.end() : second.start()]
            if (parts(first)[-1], parts(second)[0]) in self.name_pairs and between.isspace():
                spans.append((first.start(), second.end()))
        spans = _merged(spans)
        for start, end in reversed(spans):
            found.append("name")
            text = text[:start] + REMOVED_NAME + text[end:]
        return text


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


REPLACEMENTS = {
    "name": REMOVED_NAME,
    "NHS number": REMOVED_NHS,
    "postcode": REMOVED_POSTCODE,
    "date of birth": REMOVED_DATE_OF_BIRTH,
    "address": REMOVED_ADDRESS,
    "reference": REMOVED_REFERENCE,
    "phone number": REMOVED_PHONE,
    "email": REMOVED_EMAIL,
}


def identifier_check(text: str, identifiers: CaseIdentifiers) -> CheckResult:
    """Remove every known identifier of the case from the text; say what was found."""
    return IdentifierCheck(identifiers)(text)


# --- Generalising ----------------------------------------------------------------------------


def relative_to_death(day: date, died: date) -> str:
    """A date as the panel reads it: days from the death within three months, else the
    month and year."""
    delta = (day - died).days
    if delta == 0:
        return "the day of the death"
    if abs(delta) <= 90:
        return f"day {abs(delta)} {'after' if delta > 0 else 'before'} the death"
    return f"{MONTHS[day.month - 1]} {day.year}"


def chronology_when(day: date, died: date) -> str:
    """The chronology's column: "Day 0", "Day 3 after", "Day 12 before", or month and year."""
    delta = (day - died).days
    if delta == 0:
        return "Day of the death"
    if abs(delta) <= 90:
        return f"Day {abs(delta)} {'after' if delta > 0 else 'before'}"
    return f"{MONTHS[day.month - 1]} {day.year}"


# "mum Sarah" has become "mum the mother": say it once.
_SAID_TWICE = re.compile(
    r"\b(?:mum|mummy|mother|mom)\s+(?P<role>the mother)\b"
    r"|\b(?:dad|daddy|father)\s+(?P<role2>the father)\b",
    re.IGNORECASE,
)


def _parse_date(match: re.Match[str]) -> date | None:
    g = match.groupdict()
    try:
        if g["iy"]:
            return date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["nd"]:
            year = int(g["ny"])
            year += 2000 if year < 100 else 0
            return date(year, int(g["nm"]), int(g["nd"]))
        if g["wd"]:
            return date(int(g["wy"]), _MONTH_NUMBER[g["wm"].lower()], int(g["wd"]))
        if g["md"]:
            return date(int(g["mdy"]), _MONTH_NUMBER[g["md"].lower()], int(g["mdd"]))
    except (ValueError, KeyError):
        return None
    return None


class Anonymiser:
    """Generalises the text of one case: people to roles, dates to days from the death,
    contact details and references removed. The safety net runs after it."""

    def __init__(self, *, identifiers: CaseIdentifiers, died: date, label: str) -> None:
        self.identifiers = identifiers
        self.died = died
        self.label = label
        roles: dict[str, str] = {}
        for person in identifiers.people:
            if len(person.name.split()) >= 2:
                roles.setdefault(person.name.lower(), person.role)
        # A first name alone points at its person (when only one person has it); a surname
        # shared by the family does not. Before the one-word names recorded elsewhere (a
        # contact "with Sarah"), whose role is less certain.
        first_names: dict[str, set[str]] = {}
        for person in identifiers.people:
            parts = [w for w in person.name.split() if w.lower() not in TITLES]
            if len(parts) >= 2:
                first_names.setdefault(parts[0].lower(), set()).add(person.role)
        for first, its_roles in first_names.items():
            if len(its_roles) == 1:
                roles.setdefault(first, next(iter(its_roles)))
        for person in identifiers.people:
            roles.setdefault(person.name.lower(), person.role)
        self.roles = roles
        titles = "|".join(TITLES)
        names = sorted(roles, key=len, reverse=True)
        self.people_pattern: re.Pattern[str] | None = None
        if names:
            joined = "|".join(_flexible(n) for n in names)
            self.people_pattern = re.compile(
                # Not the first part of a hyphenated word ("Jessamy" of "Jessamy-Rose"): that
                # word goes whole, to the safety net, rather than leave "the child-Rose".
                rf"(?<![\w-])(?:(?:{titles})\.?\s+)?(?P<name>{joined})(?![\w])(?!-\w)",
                re.IGNORECASE,
            )
        self.references = sorted(
            (r for r in identifiers.references if len(r) >= 4), key=len, reverse=True
        )
        self.check = IdentifierCheck(identifiers)
        self.caught = 0  # identifiers the safety net found after generalising

    def _role(self, match: re.Match[str]) -> str:
        name = re.sub(r"[\s-]+", " ", match.group("name").lower()).replace("’", "'")
        role = self.roles.get(name) or next(
            (r for n, r in self.roles.items() if re.sub(r"[\s-]+", " ", n) == name), REMOVED_NAME
        )
        start = match.start()
        before = match.string[:start].rstrip()
        if not before or before[-1] in ".!?:\n":
            return role[0].upper() + role[1:]
        return role

    def _date(self, match: re.Match[str]) -> str:
        day = _parse_date(match)
        if day is None:
            return REMOVED_DATE
        if day in self.identifiers.dates_of_birth:
            return REMOVED_DATE_OF_BIRTH
        return relative_to_death(day, self.died)

    def text(self, value: str) -> str:
        """Generalise, then run the safety net."""
        if not value:
            return ""
        text = value
        for reference in self.references:
            text = re.sub(_flexible(reference), REMOVED_REFERENCE, text, flags=re.IGNORECASE)
        text = _EMAIL_ANY.sub(REMOVED_EMAIL, text)
        text = _DATE_ANY.sub(self._date, text)
        text = _POSTCODE_ANY.sub(REMOVED_POSTCODE, text)
        text = _PHONE_ANY.sub(REMOVED_PHONE, text)
        text = _TEN_DIGITS.sub(REMOVED_NUMBER, text)
        if self.people_pattern is not None:
            text = self.people_pattern.sub(self._role, text)
            text = _SAID_TWICE.sub(lambda m: m.group("role") or m.group("role2"), text)
        checked = self.check(text)
        self.caught += len(checked.found)
        return checked.text


def identifiers_join(parts: Iterable[CaseIdentifiers]) -> CaseIdentifiers:
    """Several cases' identifiers as one, for the check of a whole pack."""
    joined = CaseIdentifiers()
    for part in parts:
        joined.people.extend(part.people)
        joined.addresses.extend(part.addresses)
        joined.postcodes.extend(part.postcodes)
        joined.nhs_numbers.extend(part.nhs_numbers)
        joined.dates_of_birth.extend(part.dates_of_birth)
        joined.references.extend(part.references)
        joined.phones.extend(part.phones)
        joined.emails.extend(part.emails)
    return joined


def age_at_death(born: date, died: date) -> str:
    from cdop.meetings.models import age_in_words

    return age_in_words(born, died)
