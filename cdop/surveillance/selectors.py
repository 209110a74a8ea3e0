"""Reading the area's deaths and testing each watched group's recent count against history.

What is counted: a case of the area, unless it was merged into another (a duplicate), closed
as out of scope (not a child death to review) or transferred to another area (theirs to
count); and a notification still awaiting triage, unless its child lived in another area or
outside England, or it matches a death already counted (same NHS number, or same dates of
birth and death, sex and initial): several notifications of one death count once. Deaths
are placed by their date of death, never by the date they were notified.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, Min, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.areas.selectors import area_get_allowed, areas_with_roles
from cdop.cases.models import Case, Expectedness
from cdop.cases.workflow import Status
from cdop.investigations.models import Inquest, InquestConclusion
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.surveillance import rules, stats
from cdop.surveillance.models import SignalAlert
from cdop.surveillance.rules import Death, WatchedGroup

NOT_COUNTED_STATUSES = (Status.MERGED, Status.OUT_OF_SCOPE, Status.TRANSFERRED)
NOT_COUNTED_RESIDENCE = (ResidenceStatus.OTHER_AREA, ResidenceStatus.NOT_ENGLAND)


def _counted_cases(area_id: int) -> Q:
    return Q(area_id=area_id) & ~Q(status__in=NOT_COUNTED_STATUSES)


def _counted_notifications(area_id: int) -> Q:
    return Q(area_id=area_id, status=Notification.Status.NEW, case__isnull=True) & ~Q(
        residence_status__in=NOT_COUNTED_RESIDENCE
    )


RECORDING_GRACE = datetime.timedelta(days=28)


def area_records_start(*, area_id: int) -> datetime.date | None:
    """The day from which the area's record of deaths is complete, as far as we can tell:
    the later of its earliest death and the day it began recording (its first case opened,
    or notification received) less RECORDING_GRACE (the deaths of the weeks before were
    notified to it). An area that began last year and has since opened cases for older
    deaths still under review holds only some of those years' deaths: counting from the
    earliest death would make the expected count too low, and raise false alarms."""
    cases = Case.objects.filter(_counted_cases(area_id)).aggregate(
        died=Min("date_of_death"), recorded=Min("opened_at")
    )
    notifications = Notification.objects.filter(_counted_notifications(area_id)).aggregate(
        died=Min("date_of_death"), recorded=Min("received_at")
    )
    died = [d for d in (cases["died"], notifications["died"]) if d is not None]
    recorded = [
        timezone.localdate(at) for at in (cases["recorded"], notifications["recorded"]) if at
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
        .values_list(
            "pk",
            "date_of_death",
            "child_date_of_birth",
            "expectedness",
            "words",
            "child_nhs_number_index",
            "child_identity_index",
        )
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
    records = area_records_start(area_id=area_id)
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

    @property
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


def group_signal(
    *, group: WatchedGroup, period: Period, recent: Iterable[Death], history: Iterable[Death]
) -> GroupSignal:
    observed = sum(1 for d in recent if group.test(d))
    history_in_group = [d for d in history if group.test(d)]
    if not period.enough_history:
        return GroupSignal(
            group=group,
            observed=observed,
            history_count=len(history_in_group),
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
    count = len(history_in_group)
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
        sparkline=_sparkline(group, period, [*history_in_group, *recent]),
    )


def _sparkline(group: WatchedGroup, period: Period, deaths: list[Death]) -> Sparkline:
    bins = period.history_days // period.window_days + 1
    counts = [0] * bins
    for death in deaths:
        if not group.test(death):
            continue
        back = (period.today - death.date_of_death).days // period.window_days
        if 0 <= back < bins:
            counts[bins - 1 - back] += 1
    return Sparkline(counts=counts)


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
        deaths: list[Death] = []
    else:
        deaths = area_deaths(area_id=area.pk, since=period.history_start, until=period.today)
    recent = [d for d in deaths if d.date_of_death >= period.window_start]
    history = [d for d in deaths if d.date_of_death < period.window_start]
    return Dashboard(
        area=area,
        period=period,
        signals=[
            group_signal(group=group, period=period, recent=recent, history=history)
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


def surveillance_area_get_for_user(*, user: User, slug: str) -> Area:
    """The area, or a 404 for anyone who may not read its surveillance."""
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
