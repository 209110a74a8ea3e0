"""Reading the area's deaths and testing each watched group's recent count against history.

What is counted: a case of the area, unless it was merged into another (a duplicate), closed
as out of scope (not a child death to review) or transferred to another area (theirs to
count); and a notification still awaiting triage, unless its child lived in another area or
outside England, or it matches a death already counted (same NHS number, or same dates of
birth and death, sex and initial): several notifications of one death count once. Deaths
are placed by their date of death, never by the date they were notified.

How it is counted (issue 8: the page must not grow with the table): the dashboard asks the
database for each group's deaths per window-length period back from today (GROUP BY, one
conditional count per group, rules.WatchedGroup.where), so that a few dozen numbers travel to
Python, not five years of deaths. A notification awaiting triage is left out in SQL when a
counted case is the same child's (EXISTS); those told only once are counted in SQL; only
those told more than once (the triage queue's duplicates, a handful) are read and
de-duplicated in Python, the earliest received first, as `area_deaths` does for the deaths
behind a signal.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.areas.selectors import area_get_allowed, areas_with_roles
from cdop.cases.models import Case, Expectedness
from cdop.cases.workflow import Status
from cdop.core.kept import kept_forget, kept_part
from cdop.investigations.models import Inquest, InquestConclusion
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.surveillance import rules, stats
from cdop.surveillance.models import SignalAlert
from cdop.surveillance.rules import Death, WatchedGroup

# What is read of each notification that may count (area_deaths, _notifications_told_twice):
# "words" is the annotated suicide-words test; the two blind indexes tell a death told twice.
_NOTIFICATION_COLUMNS = (
    "pk",
    "date_of_death",
    "child_date_of_birth",
    "expectedness",
    "words",
    "child_nhs_number_index",
    "child_identity_index",
)
NOT_COUNTED_STATUSES = (Status.MERGED, Status.OUT_OF_SCOPE, Status.TRANSFERRED)
NOT_COUNTED_RESIDENCE = (ResidenceStatus.OTHER_AREA, ResidenceStatus.NOT_ENGLAND)


def _counted_cases(area_id: int) -> Q:
    return Q(area_id=area_id) & ~Q(status__in=NOT_COUNTED_STATUSES)


def _counted_notifications(area_id: int) -> Q:
    return Q(area_id=area_id, status=Notification.Status.NEW, case__isnull=True) & ~Q(
        residence_status__in=NOT_COUNTED_RESIDENCE
    )


RECORDING_GRACE = datetime.timedelta(days=28)


def _earliest(queryset: QuerySet[Any], field: str) -> Subquery:
    return Subquery(queryset.order_by(field).values(field)[:1])


def area_records_start(*, area_id: int) -> datetime.date | None:
    """The day from which the area's record of deaths is complete, as far as we can tell:
    the later of its earliest death and the day it began recording (its first case opened,
    or notification received) less RECORDING_GRACE (the deaths of the weeks before were
    notified to it). An area that began last year and has since opened cases for older
    deaths still under review holds only some of those years' deaths: counting from the
    earliest death would make the expected count too low, and raise false alarms."""
    cases = Case.objects.filter(_counted_cases(area_id))
    notifications = Notification.objects.filter(_counted_notifications(area_id))
    # One query; each earliest is the first row of an index on (area, the date), found
    # without reading the area's every case (two MINs in one aggregate would).
    firsts = (
        Area.objects.filter(pk=area_id)
        .values(
            case_died=_earliest(cases, "date_of_death"),
            case_recorded=_earliest(cases, "opened_at"),
            notification_died=_earliest(notifications, "date_of_death"),
            notification_recorded=_earliest(notifications, "received_at"),
        )
        .first()
    )
    if firsts is None:
        return None
    died = [d for d in (firsts["case_died"], firsts["notification_died"]) if d is not None]
    recorded = [
        timezone.localdate(at)
        for at in (firsts["case_recorded"], firsts["notification_recorded"])
        if at
    ]
    if not died:
        return None
    return max(min(died), min(recorded) - RECORDING_GRACE)


ChildKey = tuple[object, ...]


def _keys(nhs_index: str, identity_index: str) -> set[ChildKey]:
    """What makes two notifications the same child's: the NHS number, or the dates of birth
    and death, the sex and the first initial (twins who died the same day keep apart). Both
    as blind indexes: the number and the name are encrypted."""
    keys: set[ChildKey] = {("child", identity_index)} if identity_index else set()
    if nhs_index:
        keys.add(("nhs", nhs_index))
    return keys


def area_deaths(*, area_id: int, since: datetime.date, until: datetime.date) -> list[Death]:
    """Every counted death of the area with a date of death from `since` to `until`."""
    suicide_words = Notification.objects.filter(case=OuterRef("pk")).filter(
        rules.suspected_suicide_words_q()
    )
    inquest_suicide = Inquest.objects.filter(
        case=OuterRef("pk"), conclusion=InquestConclusion.SUICIDE
    )
    cases = (
        Case.objects.filter(_counted_cases(area_id))
        .filter(date_of_death__gte=since, date_of_death__lte=until)
        .annotate(words=Exists(suicide_words), inquest=Exists(inquest_suicide))
        .order_by()
        .values_list(
            "pk",
            "date_of_death",
            "child_date_of_birth",
            "expectedness",
            "analysis__category__code",
            "inquest",
            "words",
            "child_nhs_number_index",
            "child_identity_index",
        )
    )
    deaths: list[Death] = []
    seen: set[ChildKey] = set()
    for pk, died, born, expectedness, category, inquest, words, nhs, identity in cases:
        deaths.append(
            Death(
                date_of_death=died,
                date_of_birth=born,
                unexpected=expectedness == Expectedness.UNEXPECTED,
                category_code=category or "",
                inquest_suicide=bool(inquest),
                suicide_words=bool(words),
                source="case",
                source_pk=pk,
            )
        )
        seen |= _keys(nhs, identity)
    notifications = (
        Notification.objects.filter(_counted_notifications(area_id))
        .filter(date_of_death__gte=since, date_of_death__lte=until)
        .annotate(
            words=ExpressionWrapper(rules.suspected_suicide_words_q(), output_field=BooleanField())
        )
        .order_by("received_at", "pk")
        .values_list(*_NOTIFICATION_COLUMNS)
    )
    for pk, died, born, expectedness, words, nhs, identity in notifications:
        keys = _keys(nhs, identity)
        if keys & seen:
            continue  # another notification of a death already counted
        seen |= keys
        deaths.append(
            Death(
                date_of_death=died,
                date_of_birth=born,
                unexpected=expectedness == Expectedness.UNEXPECTED,
                category_code="",
                inquest_suicide=False,
                suicide_words=bool(words),
                source="notification",
                source_pk=pk,
            )
        )
    return deaths


# --- Counting in the database -----------------------------------------------------------------


class _DaysBetween(Func):
    """Whole days from the second date to the first, in each database's own date arithmetic
    (not a function written in Python, which SQLite would call once a row)."""

    arity = 2
    output_field = IntegerField()
    # PostgreSQL: a date less a date is a number of days.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class _AgeYears(Func):
    """Completed years of life on the day of death (rules.age_in_years), given the date of
    death and the date of birth: the difference of the years, less one before the birthday."""

    arity = 2
    output_field = IntegerField()
    # PostgreSQL's age() borrows a year exactly when the birthday is still to come. (For a
    # death before the birth, which no case holds, it says 0 where Python says -1: every
    # group's threshold, 1 year and up, reads them alike.)
    template = "CAST(EXTRACT(YEAR FROM AGE(%(expressions)s)) AS integer)"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        # Django keeps a date as ISO text on SQLite: YYYY-MM-DD.
        (died, died_params), (born, born_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = (
            f"(CAST(substr({died}, 1, 4) AS INTEGER) - CAST(substr({born}, 1, 4) AS INTEGER)"
            f" - (substr({died}, 6, 5) < substr({born}, 6, 5)))"
        )
        return sql, [*died_params, *born_params, *died_params, *born_params]


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _death_columns() -> dict[str, Any]:
    """The columns rules.WatchedGroup.where tests, common to cases and notifications, named
    after Death's fields."""
    return {
        "age_years": _AgeYears("date_of_death", "child_date_of_birth"),
        "age_days": _DaysBetween("date_of_death", "child_date_of_birth"),
        "unexpected": _flag(Q(expectedness=Expectedness.UNEXPECTED)),
    }


def _counted_cases_between(area_id: int, since: datetime.date, until: datetime.date) -> Q:
    return _counted_cases(area_id) & Q(date_of_death__gte=since, date_of_death__lte=until)


def _counted_notifications_between(area_id: int, since: datetime.date, until: datetime.date) -> Q:
    return _counted_notifications(area_id) & Q(date_of_death__gte=since, date_of_death__lte=until)


def _case_deaths(*, area_id: int, since: datetime.date, until: datetime.date) -> QuerySet[Case]:
    """The counted cases, with the columns of a Death (rules.Death.suspected_suicide: the
    panel's category, else an inquest's conclusion, else the words for a child of 10 or
    over; written in that order, so that the words are looked for only when the rest has
    not decided)."""
    teen = rules.SUSPECTED_SUICIDE_MIN_AGE_YEARS
    # The case's age, again inside: PostgreSQL would otherwise answer every case's EXISTS
    # from one hashed scan of every notification's words (the table, growing), where a look
    # at the few notifications of each case in question is what is wanted.
    suicide_words = (
        Notification.objects.filter(case=OuterRef("pk"))
        .filter(
            GreaterThanOrEqual(
                _AgeYears(OuterRef("date_of_death"), OuterRef("child_date_of_birth")), teen
            )
        )
        .filter(rules.suspected_suicide_words_q())
    )
    inquest_suicide = Inquest.objects.filter(
        case=OuterRef("pk"), conclusion=InquestConclusion.SUICIDE
    )
    return (
        Case.objects.filter(_counted_cases_between(area_id, since, until))
        .alias(
            **_death_columns(),
            category_code=Coalesce("analysis__category__code", Value("")),
            inquest_suicide=Exists(inquest_suicide),
            suicide_words=Exists(suicide_words),
        )
        .alias(
            suspected_suicide=_flag(
                Q(category_code=rules.SUICIDE_CATEGORY_CODE)
                | Q(category_code="")
                & (Q(inquest_suicide=True) | Q(age_years__gte=teen) & Q(suicide_words=True))
            )
        )
    )


def _notification_deaths(
    *, area_id: int, since: datetime.date, until: datetime.date
) -> QuerySet[Notification]:
    """The notifications awaiting triage that count, with the columns of a Death (no
    category or inquest yet: the words, for a child of 10 or over)."""
    return (
        Notification.objects.filter(_counted_notifications_between(area_id, since, until))
        .alias(**_death_columns())
        .alias(
            suspected_suicide=_flag(
                Q(age_years__gte=rules.SUSPECTED_SUICIDE_MIN_AGE_YEARS)
                & rules.suspected_suicide_words_q()
            )
        )
    )


def same_nhs_number_q() -> Q:
    """A row with the outer row's NHS number, when it has one: compared by its blind index
    (the number itself is encrypted)."""
    return ~Q(child_nhs_number_index="") & Q(
        child_nhs_number_index=OuterRef("child_nhs_number_index")
    )


def _same_child_q() -> Q:
    """The inner row is the outer row's child by _keys: the same NHS number, or the same dates
    of birth and death, sex and first initial (child_identity_index: one blind index of the
    four, the first name being encrypted)."""
    return same_nhs_number_q() | (
        ~Q(child_identity_index="") & Q(child_identity_index=OuterRef("child_identity_index"))
    )


def _perhaps_told_twice_q() -> Q:
    """Any row that might be the outer row's child (the same NHS number, or the same dates
    and sex, whatever the initial): wider than _same_child_q, never narrower, so that Python
    decides every pair that might be one child."""
    return same_nhs_number_q() | Q(
        child_date_of_birth=OuterRef("child_date_of_birth"),
        date_of_death=OuterRef("date_of_death"),
        child_sex=OuterRef("child_sex"),
    )


# Deaths per group, by how many window-lengths back from today the death was: 0 is the
# recent window, 1 the window before it, and so on back to the start of the history.
Tally = dict[str, dict[int, int]]


def _tally_in_sql(queryset: QuerySet[Any], *, today: datetime.date, window_days: int) -> Tally:
    back = _DaysBetween(Value(today, output_field=DateField()), F("date_of_death")) / Value(
        window_days
    )
    rows = (
        queryset.annotate(back=back)
        .order_by()
        .values("back")
        .annotate(
            **{f"n_{group.code}": Count("pk", filter=group.where) for group in rules.WATCHED_GROUPS}
        )
    )
    tally: Tally = {group.code: {} for group in rules.WATCHED_GROUPS}
    for row in rows:
        for group in rules.WATCHED_GROUPS:
            if row[f"n_{group.code}"]:
                tally[group.code][row["back"]] = row[f"n_{group.code}"]
    return tally


def _tally_add(tally: Tally, more: Tally) -> None:
    for code, counts in more.items():
        for back, count in counts.items():
            tally[code][back] = tally[code].get(back, 0) + count


def _notifications_told_twice(
    *, area_id: int, since: datetime.date, until: datetime.date, window_days: int
) -> Tally:
    """The notifications that might be another's child, de-duplicated as area_deaths does:
    the earliest received counts, a later one of a child already counted does not."""
    tally: Tally = {group.code: {} for group in rules.WATCHED_GROUPS}
    rows = (
        _told_twice(area_id=area_id, since=since, until=until)
        .annotate(
            words=ExpressionWrapper(rules.suspected_suicide_words_q(), output_field=BooleanField())
        )
        .order_by("received_at", "pk")
        .values_list(*_NOTIFICATION_COLUMNS)
    )
    seen: set[ChildKey] = set()
    for pk, died, born, expectedness, words, nhs, identity in rows:
        keys = _keys(nhs, identity)
        if keys & seen:
            continue
        seen |= keys
        death = Death(
            date_of_death=died,
            date_of_birth=born,
            unexpected=expectedness == Expectedness.UNEXPECTED,
            category_code="",
            inquest_suicide=False,
            suicide_words=bool(words),
            source="notification",
            source_pk=pk,
        )
        back = (until - died).days // window_days
        for group in rules.WATCHED_GROUPS:
            if group.test(death):
                tally[group.code][back] = tally[group.code].get(back, 0) + 1
    return tally


def _untold(*, area_id: int, since: datetime.date, until: datetime.date) -> QuerySet[Notification]:
    """The counted notifications no counted case of the range is the child of."""
    cases = Case.objects.filter(_counted_cases_between(area_id, since, until)).filter(
        _same_child_q()
    )
    return _notification_deaths(area_id=area_id, since=since, until=until).filter(~Exists(cases))


def _others_q(*, area_id: int, since: datetime.date, until: datetime.date) -> Exists:
    others = (
        Notification.objects.filter(_counted_notifications_between(area_id, since, until))
        .exclude(pk=OuterRef("pk"))
        .filter(_perhaps_told_twice_q())
    )
    return Exists(others)


def _told_twice(
    *, area_id: int, since: datetime.date, until: datetime.date
) -> QuerySet[Notification]:
    return _untold(area_id=area_id, since=since, until=until).filter(
        _others_q(area_id=area_id, since=since, until=until)
    )


def _told_once(
    *, area_id: int, since: datetime.date, until: datetime.date
) -> QuerySet[Notification]:
    return _untold(area_id=area_id, since=since, until=until).filter(
        ~_others_q(area_id=area_id, since=since, until=until)
    )


def area_tally(
    *, area_id: int, since: datetime.date, until: datetime.date, window_days: int
) -> Tally:
    """Each watched group's counted deaths of the area from `since` to `until`, by
    window-lengths back from `until`: the same deaths as area_deaths, counted in SQL."""
    tally = _tally_in_sql(
        _case_deaths(area_id=area_id, since=since, until=until),
        today=until,
        window_days=window_days,
    )
    _tally_add(
        tally,
        _tally_in_sql(
            _told_once(area_id=area_id, since=since, until=until),
            today=until,
            window_days=window_days,
        ),
    )
    _tally_add(
        tally,
        _notifications_told_twice(
            area_id=area_id, since=since, until=until, window_days=window_days
        ),
    )
    return tally


# Counting five years of an area's deaths read every one of them (about 100 ms at 50,000
# cases), on every opening of the dashboard by anyone; the counts change only when a death is
# recorded or its case's details change. So each area's tallies are kept (cdop.core.kept):
# a save or delete of a case, notification, inquest or Analysis Form of the area forgets them
# (cdop.surveillance.apps), and rows written in bulk without signals show within
# TALLY_SECONDS. The key holds a few tallies (the windows asked for lately), each for one day,
# and the day the area's record starts (period_for).
TALLY_SECONDS = 120
_TALLY_KEY = "surveillance:tally:{}"
_TALLIES_KEPT = 8


def area_tally_forget(area_id: int | None) -> None:
    if area_id is not None:
        kept_forget(_TALLY_KEY.format(area_id))


def area_tally_kept(
    *, area_id: int, since: datetime.date, until: datetime.date, window_days: int
) -> Tally:
    """area_tally, kept a while in the shared cache (above)."""
    return _kept(
        area_id,
        (since.isoformat(), until.isoformat(), window_days),
        lambda: area_tally(area_id=area_id, since=since, until=until, window_days=window_days),
    )


def _kept(area_id: int, part: tuple[object, ...], count: Callable[[], Any]) -> Any:
    """One of the area's kept figures (a tally, or where its record starts)."""
    return kept_part(
        _TALLY_KEY.format(area_id), part, count, seconds=TALLY_SECONDS, parts=_TALLIES_KEPT
    )


# --- The dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The recent window and the history behind it, for one area on one day."""

    today: datetime.date
    window_days: int
    years: int
    window_start: datetime.date
    history_start: datetime.date | None  # None: the area holds no deaths at all

    @property
    def history_days(self) -> int:
        if self.history_start is None:
            return 0
        return max(0, (self.window_start - self.history_start).days)

    @property
    def enough_history(self) -> bool:
        return self.history_days >= rules.MIN_HISTORY_DAYS


def period_for(
    *, area_id: int, window_days: int, years: int, today: datetime.date | None = None
) -> Period:
    today = today or timezone.localdate()
    window_start = today - datetime.timedelta(days=window_days - 1)
    wanted = window_start - datetime.timedelta(days=round(365.25 * years))
    records = _kept(area_id, ("start",), lambda: area_records_start(area_id=area_id))
    history_start = None if records is None else max(wanted, records)
    return Period(
        today=today,
        window_days=window_days,
        years=years,
        window_start=window_start,
        history_start=history_start,
    )


@dataclass(frozen=True)
class Sparkline:
    """Counts per window-length period, oldest first, the last being the recent window; drawn
    as an SVG polyline by the template."""

    counts: list[int]
    width: int = 120
    height: int = 24

    @functools.cached_property
    def points(self) -> str:
        if len(self.counts) < 2:
            return ""
        top = max(self.counts) or 1
        step = (self.width - 4) / (len(self.counts) - 1)
        return " ".join(
            f"{2 + i * step:.1f},{self.height - 2 - (n / top) * (self.height - 4):.1f}"
            for i, n in enumerate(self.counts)
        )

    @property
    def last_point(self) -> tuple[str, str]:
        x, y = self.points.rsplit(" ", 1)[-1].split(",")
        return x, y


@dataclass(frozen=True)
class GroupSignal:
    group: WatchedGroup
    observed: int
    history_count: int
    expected: float | None  # None: not enough history
    p_value: float | None
    level: stats.Level
    words: list[str]
    sparkline: Sparkline | None

    @property
    def ratio(self) -> float | None:
        """Observed over expected; none when the history had no death of the group (the
        half-death correction would make it a large number that means little)."""
        if not self.expected or not self.history_count:
            return None
        return self.observed / self.expected

    @property
    def expected_figure(self) -> str:
        if self.expected is None:
            return "–"
        return "<0.1" if self.expected < 0.05 else f"{self.expected:.1f}"

    @property
    def tag(self) -> tuple[str, str]:
        return stats.LEVEL_TAGS[self.level]

    @property
    def flagged(self) -> bool:
        return self.level in (stats.Level.AMBER, stats.Level.RED)


def _words(
    group: WatchedGroup, period: Period, observed: int, expected: float, p_value: float
) -> list[str]:
    said = [
        f"{group.count_words(observed)} in the last {period.window_days} days.",
        f"We would expect {stats.expected_words(expected)} in {period.window_days} days, "
        f"from {stats.years_words(period.history_days)}.",
    ]
    if observed <= expected:
        said.append("That is no more than usual.")
        return said
    said.append(f"A count this high would happen by chance {stats.chance_words(p_value)}.")
    level = stats.level_for(observed=observed, p_value=p_value)
    if level == stats.Level.RED:
        said.append("Unusual: look at these deaths together.")
    elif level == stats.Level.AMBER:
        said.append("Worth a look.")
    elif p_value < stats.AMBER_P:
        said.append(f"Fewer than {stats.MIN_OBSERVED} deaths are not flagged: too few to judge.")
    else:
        said.append("Not unusual.")
    return said


def group_signal(*, group: WatchedGroup, period: Period, counts: Mapping[int, int]) -> GroupSignal:
    """One group's signal from its deaths by window-lengths back from today (area_tally):
    0 is the recent window, the rest is the history."""
    observed = counts.get(0, 0)
    count = sum(n for back, n in counts.items() if back > 0)
    if not period.enough_history:
        return GroupSignal(
            group=group,
            observed=observed,
            history_count=count,
            expected=None,
            p_value=None,
            level=stats.Level.NO_HISTORY,
            words=[
                f"{group.count_words(observed)} in the last {period.window_days} days.",
                "Not enough history to compare with: the area needs at least a year of "
                "deaths recorded before this window.",
            ],
            sparkline=None,
        )
    expected = (count or stats.ZERO_HISTORY_COUNT) / period.history_days * period.window_days
    p_value = stats.poisson_upper_tail(observed, expected)
    return GroupSignal(
        group=group,
        observed=observed,
        history_count=count,
        expected=expected,
        p_value=p_value,
        level=stats.level_for(observed=observed, p_value=p_value),
        words=_words(group, period, observed, expected, p_value),
        sparkline=_sparkline(period, counts),
    )


def _sparkline(period: Period, counts: Mapping[int, int]) -> Sparkline:
    """The whole windows of the history and the recent one, oldest first (the days before
    the oldest whole window count in the history, not in the line)."""
    bins = period.history_days // period.window_days + 1
    return Sparkline(counts=[counts.get(back, 0) for back in range(bins - 1, -1, -1)])


@dataclass(frozen=True)
class Dashboard:
    area: Area
    period: Period
    signals: list[GroupSignal] = field(default_factory=list)


def surveillance_dashboard(
    *, area: Area, window_days: int, years: int, today: datetime.date | None = None
) -> Dashboard:
    """Every watched group of the area: its recent count against its own history."""
    period = period_for(area_id=area.pk, window_days=window_days, years=years, today=today)
    if period.history_start is None:
        tally: Tally = {group.code: {} for group in rules.WATCHED_GROUPS}
    else:
        tally = area_tally_kept(
            area_id=area.pk,
            since=period.history_start,
            until=period.today,
            window_days=period.window_days,
        )
    return Dashboard(
        area=area,
        period=period,
        signals=[
            group_signal(group=group, period=period, counts=tally[group.code])
            for group in rules.WATCHED_GROUPS
        ],
    )


@dataclass(frozen=True)
class AlertRow:
    sent_at: datetime.datetime
    group_label: str
    window_days: int
    observed: int
    expected: float
    recipients: int


def signal_alerts_recent(*, area: Area, limit: int = 10) -> list[AlertRow]:
    """What the daily check emailed the area's managers lately (figures only)."""
    return [
        AlertRow(
            sent_at=alert.sent_at,
            group_label=(
                rules.GROUPS_BY_CODE[alert.group].label
                if alert.group in rules.GROUPS_BY_CODE
                else alert.group
            ),
            window_days=alert.window_days,
            observed=alert.observed,
            expected=alert.expected,
            recipients=alert.recipients,
        )
        for alert in SignalAlert.objects.filter(area=area).order_by("-sent_at", "-pk")[:limit]
    ]


# --- Access ----------------------------------------------------------------------------------


def surveillance_areas_for_user(*, user: User) -> list[Area]:
    return areas_with_roles(user=user, roles=permissions.SURVEILLANCE_READERS)


def surveillance_area_get_for_user(*, user: User, slug: str, readable: Sequence[Area] = ()) -> Area:
    """The area, or a 404 for anyone who may not read its surveillance. `readable`: areas
    already found readable by them (surveillance_areas_for_user), which need no query."""
    for area in readable:
        if area.slug == slug:
            return area
    return area_get_allowed(
        slug=slug, allowed=lambda area_id: permissions.can_read_surveillance(user, area_id)
    )


def can_drill_down(*, user: User, area: Area) -> bool:
    """The deaths behind a signal are cases: only for those who read every case of the area
    (a panel chair reads the figures, not the cases)."""
    return permissions.can_read_surveillance(user, area.pk) and area.pk in (
        permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    )


@dataclass(frozen=True)
class DrillDownRow:
    reference: str
    url: str
    date_of_death: datetime.date
    age: str
    expectedness: str
    stage: str
    record: Case | Notification  # for the view's audit entry, one per record shown


def age_words(born: datetime.date, died: datetime.date) -> str:
    days = (died - born).days
    if days < 28:
        return "1 day" if days == 1 else f"{days} days"
    years = rules.age_in_years(born, died)
    if years < 2:
        months = (died.year - born.year) * 12 + died.month - born.month - (died.day < born.day)
        return "1 month" if months == 1 else f"{months} months"
    return f"{years} years"


def group_deaths_for_user(
    *, user: User, area: Area, group: WatchedGroup, period: Period
) -> list[DrillDownRow]:
    """The cases and untriaged notifications behind one group's recent count, as the user
    may read them (case_visibility_q), newest death first."""
    if not can_drill_down(user=user, area=area):
        raise Http404("No such area")
    deaths = [
        d
        for d in area_deaths(area_id=area.pk, since=period.window_start, until=period.today)
        if group.test(d)
    ]
    case_ids = [d.source_pk for d in deaths if d.source == "case"]
    notification_ids = [d.source_pk for d in deaths if d.source == "notification"]
    rows = [
        DrillDownRow(
            reference=case.reference,
            url=case.get_absolute_url(),
            date_of_death=case.date_of_death,
            age=age_words(case.child_date_of_birth, case.date_of_death),
            expectedness=case.get_expectedness_display(),
            stage=case.get_status_display(),
            record=case,
        )
        for case in Case.objects.filter(pk__in=case_ids).filter(permissions.case_visibility_q(user))
    ]
    rows += [
        DrillDownRow(
            reference=notification.reference,
            url=notification.get_absolute_url(),
            date_of_death=notification.date_of_death,
            age=age_words(notification.child_date_of_birth, notification.date_of_death),
            expectedness=notification.get_expectedness_display(),
            stage="Notification awaiting triage",
            record=notification,
        )
        for notification in Notification.objects.filter(pk__in=notification_ids, area=area)
        if permissions.can_view_notification(user, notification)
    ]
    return sorted(rows, key=lambda row: (row.date_of_death, row.reference), reverse=True)
