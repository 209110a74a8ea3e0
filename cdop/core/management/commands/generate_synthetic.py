"""Generate realistic synthetic cases for demos, tests and benchmarks.

Every value is invented: names from small built-in lists, NHS numbers from the 999 range
(never issued to a real person), LE postcodes and Ofcom's drama telephone numbers. The shape
follows domain.md §7: about two-thirds of the children died before their first birthday
(many in the first four weeks), slightly more boys, about 30% unexpected deaths, deaths
spread over five years, and reviews that take months or years, so older deaths are mostly
finalised and recent ones are at the early stages.

The records are built by a pure function (`synthetic_build`), deterministic for a seed and a
day, and then saved in one transaction with bulk inserts (`synthetic_save`). bulk_create
bypasses the audit log's signals, which is right for synthetic data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from cdop.accounts.models import Membership, Role, User
from cdop.areas.models import Area, Sequence
from cdop.cases.models import (
    Case,
    CaseNameStart,
    CaseTransition,
    Expectedness,
    Sex,
    Task,
    stage_position,
)
from cdop.cases.search import case_name_starts_write, case_search_keys_fill
from cdop.cases.services import case_reference
from cdop.cases.workflow import CLOSED, REVIEW_LINE, TRANSITIONS, Status
from cdop.clocks.models import Clock, cases_next_clock_due_refresh
from cdop.investigations.models import Inquest, PostMortem, PostMortemType
from cdop.notifications.jar import RULE as JAR_RULE
from cdop.notifications.jar import jar_rules
from cdop.notifications.models import Notification
from cdop.notifications.services import notification_reference_new
from cdop.work.services import task_moot_note

BATCH_SIZE = 1000

# Crockford's alphabet, as in cdop.notifications.services.

_BOYS = (
    "Oliver",
    "Noah",
    "Arlo",
    "Theo",
    "Aarav",
    "Yusuf",
    "Harry",
    "Jacob",
    "Leo",
    "Ibrahim",
    "Rohan",
    "Finley",
    "Kai",
    "Musa",
    "Reuben",
    "Oscar",
    "Vihaan",
    "Alfie",
    "Zayn",
    "Elijah",
    "Tomasz",
    "Ayaan",
    "Freddie",
    "Kian",
    "Samuel",
    "Dev",
    "Hugo",
    "Idris",
    "Luca",
    "Rafael",
)
_GIRLS = (
    "Amelia",
    "Isla",
    "Ava",
    "Priya",
    "Zainab",
    "Freya",
    "Mia",
    "Aisha",
    "Ivy",
    "Maryam",
    "Ellie",
    "Anaya",
    "Rosie",
    "Hana",
    "Lily",
    "Sienna",
    "Layla",
    "Evie",
    "Nia",
    "Maja",
    "Grace",
    "Inaya",
    "Poppy",
    "Sofia",
    "Esme",
    "Kavya",
    "Orla",
    "Ruby",
    "Safa",
    "Willow",
)
# Surnames are made of two invented halves, so none is likely to be a real family's name.
_SURNAME_STARTS = (
    "Ash",
    "Bram",
    "Cald",
    "Dun",
    "Fern",
    "Gorr",
    "Hart",
    "Kel",
    "Lang",
    "Marr",
    "Nethe",
    "Pell",
    "Quar",
    "Ross",
    "Stave",
    "Thorn",
    "Wick",
    "Yarn",
    "Ambe",
    "Bhal",
    "Chau",
    "Desa",
)
_SURNAME_ENDS = (
    "ford",
    "ley",
    "wood",
    "ton",
    "by",
    "combe",
    "well",
    "more",
    "hurst",
    "field",
    "wick",
    "dale",
    "ray",
    "kar",
    "wal",
    "ani",
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_LE_DISTRICTS = (1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 65, 67)

_ORGANISATIONS = (
    ("Soar Valley Hospitals NHS Trust", "soarvalley-nhs.invalid"),
    ("Charnwood Edge Children's Hospice", "charnwoodedge-hospice.invalid"),
    ("Wreake Vale Primary Care Network", "wreakevale-pcn.invalid"),
    ("Fosse Way Ambulance Service", "fosseway-ambulance.invalid"),
    ("East Midlands Synthetic Police", "emsp-police.invalid"),
    ("Fosse Coroner's Service", "fosse-coroner.invalid"),
)
# Who tends to notify, by the child's age: (role, index into _ORGANISATIONS).
_ROLES: dict[str, tuple[tuple[str, int], ...]] = {
    "neonatal": (("Neonatal consultant", 0), ("Neonatal nurse", 0), ("Midwife", 0)),
    "infant": (
        ("Paediatric registrar", 0),
        ("Emergency department consultant", 0),
        ("Paramedic", 3),
        ("Police officer", 4),
    ),
    "child": (
        ("Paediatric consultant", 0),
        ("Hospice nurse", 1),
        ("GP", 2),
        ("Emergency department consultant", 0),
    ),
    "teen": (
        ("Emergency department consultant", 0),
        ("Police officer", 4),
        ("Coroner's officer", 5),
        ("Hospice nurse", 1),
    ),
}
_CIRCUMSTANCES = {
    ("neonatal", Expectedness.EXPECTED): (
        "Born extremely preterm; died on the neonatal unit after intensive care was withdrawn "
        "with the parents.",
        "Known life-limiting condition diagnosed before birth; died with a palliative care "
        "plan in place.",
    ),
    ("neonatal", Expectedness.UNEXPECTED): (
        "Collapsed unexpectedly on the postnatal ward; resuscitation was not successful.",
        "Born in poor condition after an unexpected complication in labour; died the same day.",
    ),
    ("infant", Expectedness.EXPECTED): (
        "Complex congenital heart condition; died in hospital after a planned change to "
        "comfort care.",
    ),
    ("infant", Expectedness.UNEXPECTED): (
        "Found unresponsive at home in the morning; taken to the emergency department and "
        "pronounced dead. Joint agency response started.",
        "Short illness at home, brought in by ambulance; died in the emergency department.",
    ),
    ("child", Expectedness.EXPECTED): (
        "Died at the children's hospice from a life-limiting condition, with an end-of-life "
        "care plan in place.",
        "Died in hospital from a cancer diagnosed last year, as expected by the team.",
    ),
    ("child", Expectedness.UNEXPECTED): (
        "Sudden collapse at school; ambulance called; died in hospital later that day.",
        "Sudden severe infection; died in the paediatric intensive care unit within a day.",
    ),
    ("teen", Expectedness.EXPECTED): (
        "Long-term neuromuscular condition; died at home with the palliative care team.",
    ),
    ("teen", Expectedness.UNEXPECTED): (
        "Died after a road traffic collision. Police are investigating.",
        "Found collapsed at home; died in hospital. The coroner has been informed.",
    ),
}
_TRANSFER_AREAS = (
    "Northamptonshire",
    "Nottingham and Nottinghamshire",
    "Derby and Derbyshire",
    "Coventry and Warwickshire",
    "Lincolnshire",
)
_OUT_OF_SCOPE_REASONS = (
    "Stillbirth: no signs of life after birth, so the death is not reviewed by the panel.",
    "Planned lawful termination of pregnancy: outside child death review.",
)

# (band, probability, lowest age in days, highest age in days, probability unexpected)
_AGE_BANDS: tuple[tuple[str, float, int, int, float], ...] = (
    ("neonatal", 0.42, 0, 27, 0.15),
    ("infant", 0.22, 28, 364, 0.45),
    ("child", 0.11, 365, 5 * 365 - 1, 0.35),
    ("child", 0.07, 5 * 365, 10 * 365 - 1, 0.25),
    ("child", 0.08, 10 * 365, 15 * 365 - 1, 0.35),
    ("teen", 0.10, 15 * 365, 18 * 365 - 1, 0.60),
)

# Days from entering one stage of the review line to entering the next: (median, sigma) of
# a log-normal, so most reviews move steadily and a few take years.
_STAGE_DAYS: dict[Status, tuple[float, float]] = {
    Status.INFORMATION_GATHERING: (6, 0.8),
    Status.AWAITING_CDRM: (50, 0.6),  # unexpected deaths: see _UNEXPECTED_GATHERING
    Status.CDRM_HELD: (35, 0.6),
    Status.AWAITING_PANEL: (21, 0.7),
    Status.PANEL_REVIEWED: (75, 0.7),
    Status.FINALISED: (20, 0.8),
}
# Post-mortems, police enquiries and inquests make unexpected deaths wait far longer.
_UNEXPECTED_GATHERING = (150.0, 0.8)
# Some reviews wait on a criminal trial or an inquest; they hold for a year or more.
_HELD_PROBABILITY = 0.08
_HELD_DAYS = (420.0, 0.5)
_YEARS_OF_DEATHS = 5
_SIDE_EXITS = (
    ("case_transfer", 0.025),
    ("case_close_out_of_scope", 0.02),
    ("case_merge_duplicate", 0.015),
)
_LONDON = ZoneInfo("Europe/London")
# The transition that enters each stage of the review line.
_LINE_TRANSITIONS: dict[str, str] = {
    t.target: t.name
    for t in TRANSITIONS.values()
    # Forward along the line only (a reopen also ends at "reviewed by panel").
    if t.target in REVIEW_LINE
    and any(REVIEW_LINE.index(s) + 1 == REVIEW_LINE.index(t.target) for s in t.sources)
}


# Key workers: invented names, a few per area, more for a large set (about 2,500 cases each).
_KEY_WORKER_NAMES = (
    "Jo Marlow",
    "Sam Okafor",
    "Priya Nandra",
    "Chris Elland",
    "Ruth Ambler",
    "Tom Kestrel",
    "Nadia Fenn",
    "Owen Harte",
    "Lena Brook",
    "Ravi Sethi",
    "Kate Dunmore",
    "Femi Adeyo",
)
# The work waiting on a case at each open stage: (title, role, days after entering it).
_STAGE_TASKS: dict[str, tuple[str, str, int]] = {
    Status.NOTIFIED: ("Check the notification and start the review", Role.CDR_MANAGER, 2),
    Status.INFORMATION_GATHERING: ("Chase the agencies' reporting forms", Role.CDR_MANAGER, 28),
    Status.AWAITING_CDRM: ("Arrange the child death review meeting", Role.CDR_MANAGER, 21),
    Status.CDRM_HELD: ("Send the meeting's notes for the panel papers", Role.CDR_MANAGER, 10),
    Status.AWAITING_PANEL: ("Prepare the anonymised panel papers", Role.CDR_MANAGER, 14),
    Status.PANEL_REVIEWED: ("Tell the family the panel's outcome", Role.KEY_WORKER, 14),
}
# The clocks' default timescales (cdop.clocks.models.ClockSettings).
_NOTIFICATION_HOURS = 24
_JAR_HOURS = 48
_CDRM_MONTHS = 3
_PANEL_MONTHS = 6


@dataclass(frozen=True, kw_only=True)
class SyntheticChild:
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    nhs_number: str
    postcode: str
    date_of_death: dt.date


@dataclass(frozen=True, kw_only=True)
class SyntheticNotice:
    """A notification: one per case, plus the new ones waiting in the triage queue."""

    reference: str
    submission_token: uuid.UUID
    received_at: dt.datetime
    child: SyntheticChild
    expectedness: str
    circumstances: str
    notifier_name: str
    notifier_role: str
    notifier_organisation: str
    notifier_email: str
    notifier_phone: str


@dataclass(frozen=True, kw_only=True)
class SyntheticStep:
    name: str
    from_status: str
    to_status: str
    at: dt.datetime
    reason: str = ""


@dataclass(kw_only=True)
class SyntheticCase:
    notice: SyntheticNotice
    expectedness: str
    opened_at: dt.datetime
    steps: list[SyntheticStep]
    band: str  # neonatal, infant, child or teen: shapes the notifier and the circumstances
    duplicate_of: int | None = None  # index of the case this one duplicates (merged into)

    @property
    def child(self) -> SyntheticChild:
        return self.notice.child

    @property
    def status(self) -> str:
        return self.steps[-1].to_status

    @property
    def status_changed_at(self) -> dt.datetime:
        return self.steps[-1].at

    @property
    def finalised_at(self) -> dt.datetime | None:
        return self.steps[-1].at if self.status == Status.FINALISED else None


@dataclass(kw_only=True)
class SyntheticData:
    cases: list[SyntheticCase] = field(default_factory=list)
    new_notices: list[SyntheticNotice] = field(default_factory=list)
    anchor: dt.datetime | None = None  # the moment the records stop (midnight of the day)


def synthetic_nhs_number(rng: random.Random) -> str:
    """A 999-range NHS number that passes the Modulus 11 check."""
    while True:
        digits = [9, 9, 9, *(rng.randrange(10) for _ in range(6))]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def synthetic_notification_reference(rng: random.Random) -> str:
    return notification_reference_new(choose=rng.choice)


def _token(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _lognormal_days(rng: random.Random, median: float, sigma: float) -> dt.timedelta:
    return dt.timedelta(days=rng.lognormvariate(math.log(median), sigma))


def _working_time(rng: random.Random, after: dt.datetime) -> dt.datetime:
    """A whole minute in office hours (weekdays 09:00–17:30, UK time) after `after`."""
    start = (after + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    start = start.astimezone(_LONDON)
    day = start.date()
    while True:
        if day.weekday() < 5:
            opens = dt.datetime.combine(day, dt.time(9, 0), _LONDON)
            closes = dt.datetime.combine(day, dt.time(17, 30), _LONDON)
            first = max(opens, start)
            if first < closes:
                minutes = int((closes - first).total_seconds() // 60)
                return (first + dt.timedelta(minutes=rng.randint(0, minutes))).astimezone(dt.UTC)
        day += dt.timedelta(days=1)


def _panel_meeting(rng: random.Random, after: dt.datetime) -> dt.datetime:
    """The panel meets on the second Wednesday of each month; a case is reviewed at one."""
    local = after.astimezone(_LONDON)
    year, month = local.year, local.month
    while True:
        first = dt.date(year, month, 1)
        second_wednesday = first + dt.timedelta(days=(2 - first.weekday()) % 7 + 7)
        meeting = dt.datetime.combine(second_wednesday, dt.time(10, 0), _LONDON)
        meeting += dt.timedelta(minutes=rng.randint(0, 180))
        if meeting > after:
            return meeting.astimezone(dt.UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _between(rng: random.Random, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    """A moment strictly between two moments (used to keep events before the anchor)."""
    return (low + (high - low) * rng.uniform(0.2, 0.8)).replace(microsecond=0)


def _pick_band(rng: random.Random) -> tuple[str, int, int, float]:
    roll = rng.random()
    for band, probability, low, high, unexpected in _AGE_BANDS:
        if roll < probability:
            return band, low, high, unexpected
        roll -= probability
    band, _p, low, high, unexpected = _AGE_BANDS[-1]
    return band, low, high, unexpected


def _child(
    rng: random.Random, anchor: dt.date, days_ago: int, band: str, age_range: tuple[int, int]
) -> SyntheticChild:
    roll = rng.random()
    if roll < 0.56:
        sex = Sex.MALE
    elif roll < 0.995:
        sex = Sex.FEMALE
    elif band == "neonatal":
        sex = Sex.INDETERMINATE
    else:
        sex = Sex.NOT_KNOWN
    date_of_death = anchor - dt.timedelta(days=days_ago)
    low, high = age_range
    if band == "neonatal":  # most neonatal deaths are in the first days
        high = rng.choice((0, 0, 0, 6, 6, 27, 27))
    age_days = rng.randint(low, high)
    date_of_birth = date_of_death - dt.timedelta(days=age_days)
    while _years_between(date_of_birth, date_of_death) >= 18:
        date_of_birth += dt.timedelta(days=1)
    if sex == Sex.MALE:
        first = rng.choice(_BOYS)
    elif sex == Sex.FEMALE:
        first = rng.choice(_GIRLS)
    else:
        first = "Baby"
    if band == "neonatal" and age_days <= 1 and rng.random() < 0.3:
        first = "Baby"  # babies who die within a day are often notified before being named
    last = rng.choice(_SURNAME_STARTS) + rng.choice(_SURNAME_ENDS)
    district = rng.choice(_LE_DISTRICTS)
    postcode = (
        ""
        if rng.random() < 0.06
        else f"LE{district} {rng.randint(0, 9)}{rng.choice(_INWARD_LETTERS)}"
        f"{rng.choice(_INWARD_LETTERS)}"
    )
    nhs = "" if band == "neonatal" and rng.random() < 0.08 else synthetic_nhs_number(rng)
    return SyntheticChild(
        first_name=first,
        last_name=last,
        date_of_birth=date_of_birth,
        sex=sex,
        nhs_number=nhs,
        postcode=postcode,
        date_of_death=date_of_death,
    )


def _notice(
    rng: random.Random,
    *,
    child: SyntheticChild,
    band: str,
    expectedness: str,
    received_at: dt.datetime,
) -> SyntheticNotice:
    known = expectedness if expectedness != Expectedness.NOT_KNOWN else Expectedness.UNEXPECTED
    role, organisation_index = rng.choice(_ROLES[band])
    organisation, domain = _ORGANISATIONS[organisation_index]
    first = rng.choice(_BOYS + _GIRLS)
    last = rng.choice(_SURNAME_STARTS) + rng.choice(_SURNAME_ENDS)
    return SyntheticNotice(
        reference=synthetic_notification_reference(rng),
        submission_token=_token(rng),
        received_at=received_at,
        child=child,
        expectedness=expectedness,
        circumstances=rng.choice(_CIRCUMSTANCES[(band, Expectedness(known))]),
        notifier_name=f"{first} {last}",
        notifier_role=role,
        notifier_organisation=organisation,
        notifier_email=f"{first.lower()}.{last.lower()}@{domain}",
        notifier_phone=f"0116 496 0{rng.randint(0, 999):03d}",  # Ofcom's range for drama
    )


def _received_after_death(
    rng: random.Random, child: SyntheticChild, anchor: dt.datetime
) -> dt.datetime:
    death = dt.datetime.combine(child.date_of_death, dt.time(0, 0), _LONDON).astimezone(dt.UTC)
    death += dt.timedelta(minutes=rng.randint(0, 24 * 60 - 1))
    hours = min(rng.lognormvariate(math.log(18), 1.0), 24 * 21)
    received = death + dt.timedelta(hours=max(hours, 0.5))
    if received >= anchor:
        received = _between(rng, death, anchor)
    return received.replace(microsecond=0)


def _review_steps(
    rng: random.Random,
    *,
    opened_at: dt.datetime,
    expectedness: str,
    anchor: dt.datetime,
    exit_name: str | None,
) -> list[SyntheticStep]:
    """Walk the review line from opening until the next step would be after the anchor."""
    steps = [
        SyntheticStep(name="case_open", from_status="", to_status=Status.NOTIFIED, at=opened_at)
    ]
    slowness = rng.lognormvariate(0, 0.45)
    held = rng.random() < _HELD_PROBABILITY
    exit_after = 0 if rng.random() < 0.7 else 1  # leave from notified, or while gathering
    for target in REVIEW_LINE[1:]:
        if exit_name is not None and len(steps) - 1 == exit_after:
            at = _working_time(rng, steps[-1].at + _lognormal_days(rng, 5, 0.7))
            if at >= anchor:
                break
            spec = TRANSITIONS[exit_name]
            reason = ""
            if spec.target == Status.TRANSFERRED:
                reason = (
                    f"The child lived in {rng.choice(_TRANSFER_AREAS)}; transferred to "
                    "that area's child death review team."
                )
            elif spec.target == Status.OUT_OF_SCOPE:
                reason = rng.choice(_OUT_OF_SCOPE_REASONS)
            steps.append(
                SyntheticStep(
                    name=exit_name,
                    from_status=steps[-1].to_status,
                    to_status=spec.target,
                    at=at,
                    reason=reason,
                )
            )
            break
        median, sigma = _STAGE_DAYS[target]
        if target == Status.AWAITING_CDRM and expectedness != Expectedness.EXPECTED:
            median, sigma = _UNEXPECTED_GATHERING
        after = steps[-1].at + _lognormal_days(rng, median, sigma) * slowness
        if held and target == Status.AWAITING_CDRM:
            after += _lognormal_days(rng, *_HELD_DAYS)
        at = (
            _panel_meeting(rng, after)
            if target == Status.PANEL_REVIEWED
            else _working_time(rng, after)
        )
        if at >= anchor:
            break
        name = _LINE_TRANSITIONS[target]
        steps.append(
            SyntheticStep(name=name, from_status=steps[-1].to_status, to_status=target, at=at)
        )
    return steps


def _build_case(
    rng: random.Random,
    *,
    anchor: dt.datetime,
    exit_name: str | None = None,
    original: SyntheticCase | None = None,
) -> SyntheticCase:
    """One case with its notification. A duplicate copies the child of its `original`."""
    today = anchor.astimezone(_LONDON).date()
    band: str
    if original is not None:
        exit_name = "case_merge_duplicate"
        child = original.child
        band = original.band
        expectedness = original.notice.expectedness
        received = original.notice.received_at + dt.timedelta(hours=rng.uniform(1, 72))
        if received >= anchor:
            received = _between(rng, original.notice.received_at, anchor)
    else:
        band, low, high, p_unexpected = _pick_band(rng)
        if exit_name == "case_close_out_of_scope":
            band, low, high, p_unexpected = "neonatal", 0, 0, 0.15  # stillbirths
        days_ago = rng.randint(2, _YEARS_OF_DEATHS * 365)
        child = _child(rng, today, days_ago, band, (low, high))
        expectedness = (
            Expectedness.UNEXPECTED if rng.random() < p_unexpected else Expectedness.EXPECTED
        )
        if rng.random() < 0.05:
            expectedness = Expectedness.NOT_KNOWN  # the notifier could not say yet
        received = _received_after_death(rng, child, anchor)
    notice = _notice(rng, child=child, band=band, expectedness=expectedness, received_at=received)
    opened = _working_time(rng, received + dt.timedelta(hours=rng.lognormvariate(math.log(8), 1)))
    if opened >= anchor:
        opened = _between(rng, received, anchor)
    case_expectedness = expectedness
    steps = _review_steps(
        rng, opened_at=opened, expectedness=expectedness, anchor=anchor, exit_name=exit_name
    )
    if expectedness == Expectedness.NOT_KNOWN and len(steps) > 2:
        case_expectedness = Expectedness.UNEXPECTED  # settled while gathering information
    return SyntheticCase(
        notice=notice, expectedness=case_expectedness, opened_at=opened, steps=steps, band=band
    )


def _ensure_every_status(
    rng: random.Random, cases: list[SyntheticCase], anchor: dt.datetime
) -> None:
    """With enough cases, make sure each status appears at least once (for demos and tests).

    A missing stage on the review line is made by stopping the most recently opened case
    that reached it there; a missing exit by rebuilding a case that leaves that way.
    """
    if len(cases) < 3 * len(Status):
        return
    counts = Counter(c.status for c in cases)
    targets = {c.duplicate_of for c in cases if c.duplicate_of is not None}
    for status in REVIEW_LINE:
        if counts[status]:
            continue
        reached = [
            i
            for i, c in enumerate(cases)
            if counts[c.status] > 1
            and c.duplicate_of is None
            and any(s.to_status == status for s in c.steps)
        ]
        if not reached:
            continue
        i = max(reached, key=lambda i: cases[i].opened_at)
        case = cases[i]
        counts[case.status] -= 1
        cut = next(n for n, s in enumerate(case.steps) if s.to_status == status)
        case.steps = case.steps[: cut + 1]
        counts[status] += 1
    for exit_name in ("case_transfer", "case_close_out_of_scope", "case_merge_duplicate"):
        status = TRANSITIONS[exit_name].target
        attempts = 0
        while not counts[status] and attempts < 50:
            attempts += 1
            i = rng.randrange(len(cases))
            if counts[cases[i].status] <= 1 or i in targets or cases[i].duplicate_of is not None:
                continue
            original_index = None
            if exit_name == "case_merge_duplicate":
                original_index = rng.randrange(len(cases))
                original = cases[original_index]
                if original_index == i or original.duplicate_of is not None:
                    continue
                new = _build_case(rng, anchor=anchor, original=original)
                new.duplicate_of = original_index
                targets.add(original_index)
            else:
                new = _build_case(rng, anchor=anchor, exit_name=exit_name)
            if new.status != status:
                continue
            counts[cases[i].status] -= 1
            cases[i] = new
            counts[status] += 1


def synthetic_build(*, cases: int, notifications: int, seed: int, today: dt.date) -> SyntheticData:
    """Build the records, without saving them: the same seed and day give the same records."""
    rng = random.Random(seed)
    # Events happen before midnight at the start of `today`, so a run is repeatable all day.
    anchor = dt.datetime.combine(today, dt.time(0, 0), _LONDON).astimezone(dt.UTC)
    data = SyntheticData(anchor=anchor)
    for _ in range(cases):
        roll = rng.random()
        exit_name = None
        for name, probability in _SIDE_EXITS:
            if roll < probability:
                exit_name = name
                break
            roll -= probability
        if exit_name == "case_merge_duplicate" and data.cases:
            original_index = rng.randrange(len(data.cases))
            original = data.cases[original_index]
            if original.duplicate_of is None:
                case = _build_case(rng, anchor=anchor, original=original)
                case.duplicate_of = original_index
                data.cases.append(case)
                continue
            exit_name = None
        if exit_name == "case_merge_duplicate":
            exit_name = None
        data.cases.append(_build_case(rng, anchor=anchor, exit_name=exit_name))
    _ensure_every_status(rng, data.cases, anchor)
    for _ in range(notifications):
        band, low, high, p_unexpected = _pick_band(rng)
        child = _child(rng, today, rng.randint(1, 14), band, (low, high))
        expectedness = (
            Expectedness.UNEXPECTED if rng.random() < p_unexpected else Expectedness.EXPECTED
        )
        data.new_notices.append(
            _notice(
                rng,
                child=child,
                band=band,
                expectedness=expectedness,
                received_at=_received_after_death(rng, child, anchor),
            )
        )
    return data


@dataclass(frozen=True)
class SyntheticSummary:
    cases: int
    transitions: int
    notifications: int
    clocks: int
    tasks: int
    statuses: dict[str, int]


def _unique_references(rng: random.Random, notices: list[SyntheticNotice]) -> list[SyntheticNotice]:
    """Redraw any notification reference or token that is already stored, or drawn twice."""
    taken_refs: set[str] = set()
    taken_tokens: set[uuid.UUID] = set()
    refs = [n.reference for n in notices]
    tokens = [n.submission_token for n in notices]
    for start in range(0, len(notices), BATCH_SIZE):
        taken_refs.update(
            Notification.objects.filter(reference__in=refs[start : start + BATCH_SIZE]).values_list(
                "reference", flat=True
            )
        )
        taken_tokens.update(
            Notification.objects.filter(
                submission_token__in=tokens[start : start + BATCH_SIZE]
            ).values_list("submission_token", flat=True)
        )
    result = []
    for notice in notices:
        reference, token = notice.reference, notice.submission_token
        while reference in taken_refs:
            reference = synthetic_notification_reference(rng)
        while token in taken_tokens:
            token = _token(rng)
        taken_refs.add(reference)
        taken_tokens.add(token)
        result.append(replace(notice, reference=reference, submission_token=token))
    return result


def _case_references(area: Area, cases: list[SyntheticCase]) -> list[str]:
    """References in the area's series for the year each case was opened, in opening order.

    The area's Sequence rows are moved on past the numbers used, so cases opened later by
    cdop.cases.services continue the series and never collide.
    """
    by_year: dict[int, list[int]] = {}
    for i in sorted(range(len(cases)), key=lambda i: cases[i].opened_at):
        by_year.setdefault(cases[i].opened_at.astimezone(dt.UTC).year, []).append(i)
    references = [""] * len(cases)
    for year, indexes in sorted(by_year.items()):
        Sequence.objects.get_or_create(area=area, kind="case", year=year)
        seq = Sequence.objects.select_for_update().get(area=area, kind="case", year=year)
        prefix = f"{area.code}-{year}-"
        used = [
            int(ref[len(prefix) :])
            for ref in Case.objects.filter(reference__startswith=prefix).values_list(
                "reference", flat=True
            )
            if ref[len(prefix) :].isdigit()
        ]
        last = max([seq.last, *used])
        for i in indexes:
            last += 1
            references[i] = case_reference(area_code=area.code, year=year, number=last)
        seq.last = last
        seq.save(update_fields=["last"])
    return references


def _notification_row(
    area: Area, notice: SyntheticNotice, status: str, case: Case | None
) -> Notification:
    child = notice.child
    return Notification(
        area_id=area.pk,
        reference=notice.reference,
        submission_token=notice.submission_token,
        received_at=notice.received_at,
        status=status,
        case_id=case.pk if case is not None else None,
        child_first_name=child.first_name,
        child_last_name=child.last_name,
        child_date_of_birth=child.date_of_birth,
        child_sex=child.sex,
        child_nhs_number=child.nhs_number,
        child_postcode=child.postcode,
        date_of_death=child.date_of_death,
        expectedness=notice.expectedness,
        # As the submit sets it: an unexpected death needs a Joint Agency Response.
        jar_required=notice.expectedness == Expectedness.UNEXPECTED,
        circumstances=notice.circumstances,
        notifier_name=notice.notifier_name,
        notifier_role=notice.notifier_role,
        notifier_organisation=notice.notifier_organisation,
        notifier_email=notice.notifier_email,
        notifier_phone=notice.notifier_phone,
    )


_Row = dict[str, Any]


def _insert(model: type[models.Model], rows: list[_Row]) -> None:
    """Insert rows (a dict of field values each) with executemany: the history tables are
    most of the rows, and bulk_create's model instances and per-value preparation took most
    of the time. A field a row leaves out gets its default, so a new column with a default
    needs no change here."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, never from input.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    adapt_datetime = connection.ops.adapt_datetimefield_value
    adapt_date = connection.ops.adapt_datefield_value

    def adapt(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return adapt_datetime(value)
        if isinstance(value, dt.date):
            return adapt_date(value)
        return value

    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(
                sql,
                [
                    tuple(adapt(row.get(name, defaults[name])) for name in names)
                    for row in rows[start : start + BATCH_SIZE]
                ],
            )


def _synthetic_key_workers(area: Area, cases: int) -> list[int]:
    """The area's synthetic key workers (made once, reused by later runs): their ids."""
    wanted = min(len(_KEY_WORKER_NAMES), 3 + cases // 2500)
    unusable = make_password(None)
    ids = []
    for number, name in enumerate(_KEY_WORKER_NAMES[:wanted], start=1):
        user, _ = User.objects.get_or_create(
            email=f"keyworker{number}.{area.slug}@synthetic.invalid",
            defaults={"full_name": f"{name} (synthetic)", "password": unusable},
        )
        Membership.objects.get_or_create(user=user, area=area, role=Role.KEY_WORKER)
        ids.append(user.pk)
    return ids


def _key_worker_for(rng: random.Random, case: SyntheticCase, key_workers: list[int]) -> int | None:
    """Most reviews past the first days have a key worker; cases that left the review, none."""
    if case.status in CLOSED and case.status != Status.FINALISED:
        return None
    chance = 0.3 if case.status == Status.NOTIFIED else 0.9
    return rng.choice(key_workers) if key_workers and rng.random() < chance else None


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day if it has no such day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _entered(case: SyntheticCase, status: str) -> dt.datetime | None:
    return next((step.at for step in case.steps if step.to_status == status), None)


def _death_day(case: SyntheticCase) -> dt.datetime:
    return dt.datetime.combine(case.child.date_of_death, dt.time(0, 0), _LONDON)


def _synthetic_clocks(case: SyntheticCase, row: Case) -> list[_Row]:
    """The stage clocks cdop.clocks.services would have kept: notification, JAR (unexpected
    deaths), meeting and panel, stopped when their step was reached; cancelled when the case
    left the review."""
    notice = case.notice
    exit_at = case.status_changed_at if case.status in CLOSED - {Status.FINALISED} else None
    death_noon = _death_day(case) + dt.timedelta(hours=12)
    clocks = [
        _Row(
            case_id=row.pk,
            area_id=row.area_id,
            kind="notification",
            label=f"Notification within {_NOTIFICATION_HOURS} hours of the death",
            started_at=death_noon,
            due_at=death_noon + dt.timedelta(hours=_NOTIFICATION_HOURS),
            stopped_at=max(notice.received_at, death_noon),
        )
    ]
    stages = [
        ("cdrm", f"Child death review meeting within {_CDRM_MONTHS} months of the death",
         _CDRM_MONTHS, Status.CDRM_HELD),
        ("panel", f"Panel review within {_PANEL_MONTHS} months of the death",
         _PANEL_MONTHS, Status.PANEL_REVIEWED),
    ]  # fmt: skip
    for kind, label, months, stops_at in stages:
        stopped = _entered(case, stops_at) or exit_at
        clocks.append(
            _Row(
                case_id=row.pk,
                area_id=row.area_id,
                kind=kind,
                label=label,
                started_at=_death_day(case),
                due_at=_add_months(_death_day(case), months),
                stopped_at=stopped,
                cancelled=stopped is not None and stopped == exit_at,
            )
        )
    return clocks


def _synthetic_tasks(
    rng: random.Random, case: SyntheticCase, row: Case, anchor: dt.datetime
) -> tuple[list[_Row], _Row | None]:
    """The case's open work: the JAR tasks of an unexpected death (done within days, unless
    the death is recent) and one task for the stage it waits at, some of them overdue.
    Returns the tasks and the JAR clock that follows them."""
    tasks: list[_Row] = []
    jar_clock = None
    received = case.notice.received_at
    if case.expectedness == Expectedness.UNEXPECTED and case.duplicate_of is None:
        finished: list[dt.datetime | None] = []
        for rule in jar_rules():
            due = received + rule.due_after
            done = received + dt.timedelta(hours=rng.uniform(2, 72))
            completed = done if done < anchor and rng.random() < 0.97 else None
            finished.append(completed)
            note = "Done." if completed else ""
            if completed is None and case.status in CLOSED:
                # Left undone when the case ended: its end closed it, as the service does
                # (cdop.work.services.tasks_close_on_case_end).
                completed = case.status_changed_at
                note = task_moot_note(
                    status=case.status, on=timezone.localdate(case.status_changed_at)
                )
            tasks.append(
                _Row(
                    area_id=row.area_id,
                    case_id=row.pk,
                    title=rule.title,
                    detail=rule.detail,
                    rule=JAR_RULE,
                    due_at=due,
                    created_at=received,
                    assigned_role=rule.assigned_role,
                    completed_at=completed,
                    completion_note=note,
                )
            )
        all_done = all(finished)
        jar_clock = _Row(
            case_id=row.pk,
            area_id=row.area_id,
            kind="jar",
            label=f"Joint Agency Response tasks done within {_JAR_HOURS} hours",
            started_at=received,
            due_at=received + dt.timedelta(hours=_JAR_HOURS),
            stopped_at=max(f for f in finished if f) if all_done else None,
        )
        if not all_done and case.status in CLOSED:
            jar_clock["stopped_at"] = case.status_changed_at
            jar_clock["cancelled"] = case.status != Status.FINALISED
    stage_task = _STAGE_TASKS.get(case.status)
    if stage_task is not None:
        title, role, days = stage_task
        due = case.status_changed_at + dt.timedelta(days=days)
        if due < anchor - dt.timedelta(days=60):
            # Long waits are chased: the task was given a new date, not always kept.
            due = anchor + dt.timedelta(days=rng.randint(-30, 30))
        tasks.append(
            _Row(
                area_id=row.area_id,
                case_id=row.pk,
                title=title,
                due_at=due,
                created_at=case.status_changed_at,
                assigned_role=role,
                assigned_to_id=row.key_worker_id if role == Role.KEY_WORKER else None,
            )
        )
    return tasks, jar_clock


_EARLY_STATUSES = frozenset({Status.NOTIFIED, Status.INFORMATION_GATHERING})


def _synthetic_events(
    rng: random.Random, case: SyntheticCase, row: Case, anchor: dt.datetime, by: int
) -> tuple[list[_Row], list[_Row]]:
    """Post-mortems for unexpected deaths (some reports still awaited while a case is early
    in its review, which holds up the meeting) and an inquest for a few of them."""
    if case.expectedness != Expectedness.UNEXPECTED or case.duplicate_of is not None:
        return [], []
    death = case.child.date_of_death
    today = anchor.date()
    recorded = dt.datetime.combine(death, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=1)
    base = {
        "case_id": row.pk,
        "notes": "",
        "recorded_at": recorded,
        "recorded_by_id": by,
        "updated_at": recorded,
    }
    requested = min(death + dt.timedelta(days=1), today)
    performed = min(death + dt.timedelta(days=rng.randint(2, 6)), today)
    awaited = case.status in _EARLY_STATUSES and rng.random() < 0.6
    report = None if awaited else min(performed + dt.timedelta(days=rng.randint(30, 90)), today)
    post_mortems = [
        _Row(
            base,
            pm_type=PostMortemType.CORONIAL,
            requested_on=requested,
            performed_on=performed,
            report_received_on=report,
            result_summary="" if awaited else "Synthetic report summary.",
            cause_of_death="",
        )
    ]
    inquests: list[_Row] = []
    if rng.random() < 0.15:
        opened = min(death + dt.timedelta(days=rng.randint(5, 14)), today)
        concluded = None
        if case.status == Status.FINALISED:
            concluded = min(opened + dt.timedelta(days=rng.randint(90, 300)), today)
        inquests.append(
            _Row(
                base,
                opened_on=opened,
                adjourned_on=None,
                resumed_on=None,
                concluded_on=concluded,
                conclusion="accident" if concluded else "",
                conclusion_text="",
                pfd_report=False,
            )
        )
    return post_mortems, inquests


def synthetic_save(*, area: Area, data: SyntheticData, seed: int) -> SyntheticSummary:
    """Store the records in one transaction, with bulk inserts."""
    rng = random.Random(f"references-{seed}")
    with transaction.atomic():
        notices = _unique_references(rng, [c.notice for c in data.cases] + data.new_notices)
        case_notices, new_notices = notices[: len(data.cases)], notices[len(data.cases) :]
        references = _case_references(area, data.cases)
        key_workers = _synthetic_key_workers(area, len(data.cases))
        work_rng = random.Random(f"work-{seed}")
        rows: list[Case] = []
        for case, reference in zip(data.cases, references, strict=True):
            child = case.child
            rows.append(
                Case(
                    area_id=area.pk,
                    reference=reference,
                    status=case.status,
                    status_changed_at=case.status_changed_at,
                    child_first_name=child.first_name,
                    child_last_name=child.last_name,
                    child_date_of_birth=child.date_of_birth,
                    child_sex=child.sex,
                    child_nhs_number=child.nhs_number,
                    child_postcode=child.postcode,
                    date_of_death=child.date_of_death,
                    expectedness=case.expectedness,
                    opened_at=case.opened_at,
                    finalised_at=case.finalised_at,
                    key_worker_id=_key_worker_for(work_rng, case, key_workers),
                    stage_position=stage_position(case.status),
                )
            )
            case_search_keys_fill(case=rows[-1])  # bulk_create does not call save()
        # Originals first, so that each duplicate can point to the case it was merged into.
        originals = [
            row for case, row in zip(data.cases, rows, strict=True) if case.duplicate_of is None
        ]
        Case.objects.bulk_create(originals, batch_size=BATCH_SIZE)
        duplicates = []
        for case, row in zip(data.cases, rows, strict=True):
            if case.duplicate_of is not None and case.status == Status.MERGED:
                row.merged_into_id = rows[case.duplicate_of].pk
            if case.duplicate_of is not None:
                duplicates.append(row)
        Case.objects.bulk_create(duplicates, batch_size=BATCH_SIZE)
        case_name_starts_write(cases=rows, replace=False)  # nor does it write these

        transitions = []
        for case, row, notice in zip(data.cases, rows, case_notices, strict=True):
            for step in case.steps:
                reason = step.reason
                if step.name == "case_open":
                    reason = f"Opened from notification {notice.reference}"
                elif step.name == "case_merge_duplicate" and case.duplicate_of is not None:
                    reason = (
                        f"Second notification of the same death; duplicate of "
                        f"{rows[case.duplicate_of].reference}."
                    )
                transitions.append(
                    _Row(
                        case_id=row.pk,
                        name=step.name,
                        from_status=step.from_status,
                        to_status=step.to_status,
                        at=step.at,
                        reason=reason,
                    )
                )
        _insert(CaseTransition, transitions)
        anchor = data.anchor or timezone.now()
        clocks: list[_Row] = []
        tasks: list[_Row] = []
        for case, row in zip(data.cases, rows, strict=True):
            clocks += _synthetic_clocks(case, row)
            case_tasks, jar_clock = _synthetic_tasks(work_rng, case, row, anchor)
            tasks += case_tasks
            clocks += [jar_clock] if jar_clock is not None else []
        _insert(Clock, clocks)
        cases_next_clock_due_refresh(area_id=area.id)
        _insert(Task, tasks)
        if key_workers:
            event_rng = random.Random(f"events-{seed}")
            post_mortems: list[_Row] = []
            inquests: list[_Row] = []
            for case, row in zip(data.cases, rows, strict=True):
                pms, inqs = _synthetic_events(event_rng, case, row, anchor, key_workers[0])
                post_mortems += pms
                inquests += inqs
            _insert(PostMortem, post_mortems)
            _insert(Inquest, inquests)
        Notification.objects.bulk_create(
            [
                _notification_row(area, n, Notification.Status.CASE_OPENED, row)
                for n, row in zip(case_notices, rows, strict=True)
            ]
            + [_notification_row(area, n, Notification.Status.NEW, None) for n in new_notices],
            batch_size=BATCH_SIZE,
        )
    return SyntheticSummary(
        cases=len(rows),
        transitions=len(transitions),
        notifications=len(notices),
        clocks=len(clocks),
        tasks=len(tasks),
        statuses=dict(Counter(c.status for c in data.cases)),
    )


def refresh_planner_statistics(tables_of: Iterable[type[models.Model]]) -> None:
    """A bulk load changes the tables' shape at once; without fresh statistics PostgreSQL
    plans the case list as if the table were empty (a sort instead of the index). VACUUM
    also sets the visibility map, so counts read the index alone; it cannot run inside a
    transaction (as in tests), where ANALYZE alone has to do."""
    tables = ", ".join(m._meta.db_table for m in tables_of)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{verb} {tables}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = (
        "Add realistic synthetic cases (in every status, with their history and notifications) "
        "to an area. Never use in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=100, help="How many cases (default 100)")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1)")
        parser.add_argument("--area", default="llr", help="Slug of the area (default llr)")
        parser.add_argument(
            "--notifications",
            type=int,
            default=0,
            help="Extra new notifications waiting in the triage queue (default 0)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic data is never generated in production.")
        n_cases, n_notifications = options["cases"], options["notifications"]
        if n_cases < 0 or n_notifications < 0:
            raise CommandError("--cases and --notifications must be 0 or more.")
        area = Area.objects.filter(slug=options["area"]).first()
        if area is None:
            known = ", ".join(Area.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no area with the slug “{options['area']}”. "
                f"Known areas: {known or 'none'}."
            )
        started = time.perf_counter()
        data = synthetic_build(
            cases=n_cases,
            notifications=n_notifications,
            seed=options["seed"],
            today=timezone.localdate(),
        )
        summary = synthetic_save(area=area, data=data, seed=options["seed"])
        refresh_planner_statistics((Case, CaseNameStart, CaseTransition, Notification, Clock, Task))
        if options["verbosity"] > 0:
            statuses = ", ".join(
                f"{Status(s).label.lower()} {summary.statuses.get(s, 0)}" for s in Status
            )
            self.stdout.write(
                f"Generated {summary.cases} synthetic cases in {area.short_name} "
                f"({summary.transitions} transitions, {summary.notifications} notifications, "
                f"{n_notifications} of them new, {summary.clocks} clocks, {summary.tasks} tasks) "
                f"in {time.perf_counter() - started:.1f} s "
                f"[seed {options['seed']}]: {statuses}."
            )
