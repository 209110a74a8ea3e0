"""Reading clocks: for one case page, for lists of cases in bulk, and as case filters.

For other pages (the case list, the work queue) use these; each runs a fixed number of
queries whatever the number of cases. Pass `user=` wherever the result is shown to someone:
safeguarding clocks then count only for those who may see safeguarding
(permissions.clock_kind_visibility_q).

- `cases_clock_status(case_ids=[...])` -> {case_id: "overdue" | "due_soon" | "on_time"}:
  the worst running clock of each case (cases with no running clock are left out).
  One query.
- `case_overdue_clock_q()` -> Q on Case: cases with a running clock past its due time.
  `Case.objects.filter(case_overdue_clock_q())`.
- `case_clock_due_soon_q(days=7)` -> Q on Case: cases with at least one running clock due
  in the next `days` days (such a case may also have an overdue one; combine with
  `~case_overdue_clock_q()` for "due soon but nothing overdue").
- `clock_settings_for_area(area_id=...)` -> the area's ClockSettings (made with the defaults
  on first use), e.g. for the safeguarding clocks' working days.
- `clock_status(clock, now=...)` -> one clock's ClockStatus (key and words).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.cases.models import Case, CaseTransition
from cdop.cases.workflow import CLOSED, REVIEW_LINE, Status
from cdop.clocks.models import Clock, ClockSettings
from cdop.core.db import db_datetime, fetch_rows

DUE_SOON_DAYS = 7

# Worst first: the order in which a case's clocks decide its summary.
_SEVERITY = {"overdue": 0, "due_soon": 1, "on_time": 2}

STATUS_LABELS = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "on_time": "On time",
    "met": "Met",
    "met_late": "Met late",
    "cancelled": "No longer applies",
}


@dataclass(frozen=True)
class ClockStatus:
    key: str
    label: str

    @property
    def tag_class(self) -> str:
        return {
            "overdue": "govuk-tag--red",
            "due_soon": "govuk-tag--yellow",
            "on_time": "govuk-tag--blue",
            "met": "govuk-tag--green",
            "met_late": "govuk-tag--orange",
            "cancelled": "govuk-tag--grey",
        }[self.key]


def clock_status_key(
    *,
    due_at: datetime.datetime,
    stopped_at: datetime.datetime | None,
    cancelled: bool = False,
    now: datetime.datetime,
) -> str:
    if stopped_at is not None:
        if cancelled:
            return "cancelled"
        return "met" if stopped_at <= due_at else "met_late"
    if due_at < now:
        return "overdue"
    if due_at <= now + datetime.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "on_time"


def clock_status(clock: Clock | CaseClock, *, now: datetime.datetime | None = None) -> ClockStatus:
    key = clock_status_key(
        due_at=clock.due_at,
        stopped_at=clock.stopped_at,
        cancelled=clock.cancelled,
        now=now or timezone.now(),
    )
    return ClockStatus(key, STATUS_LABELS[key])


def clock_settings_for_area(*, area_id: int) -> ClockSettings:
    """The area's timescales; the row is made with domain.md's defaults the first time."""
    settings_row, _ = ClockSettings.objects.get_or_create(area_id=area_id)
    return settings_row


def _kinds_for(clocks: QuerySet[Clock], user: User | None) -> QuerySet[Clock]:
    """Leave out the clocks the user may not see (safeguarding clocks, for a key worker)."""
    return clocks if user is None else clocks.filter(permissions.clock_kind_visibility_q(user))


def clocks_for_case(*, case: Case, user: User | None = None) -> list[Clock]:
    """The case's clocks, soonest due first; with `user`, only those they may see."""
    return list(_kinds_for(Clock.objects.filter(case=case), user).order_by("due_at", "pk"))


@dataclass(frozen=True)
class CaseClock:
    """What the case overview shows of a clock."""

    label: str
    due_at: datetime.datetime
    stopped_at: datetime.datetime | None
    cancelled: bool


def case_clocks_shown(*, case: Case, user: User) -> list[CaseClock]:
    """The case's clocks as clocks_for_case gives them to the user (soonest due first, the
    safeguarding clocks only for those who may see them), for the overview: fixed SQL, since
    through the ORM the query cost four times what the database took to answer it, and the
    overview is the page opened most after the list."""
    sql = "SELECT label, due_at, stopped_at, cancelled FROM clocks_clock WHERE case_id = %s"
    params: list[object] = [case.pk]
    hidden = sorted(
        kind
        for kind in permissions.SAFEGUARDING_CLOCK_KINDS
        if not permissions.can_view_clock_kind(user, case, kind)
    )
    if hidden:
        sql += f" AND kind NOT IN ({', '.join(['%s'] * len(hidden))})"
        params += hidden
    rows = fetch_rows(sql + " ORDER BY due_at, id", params)
    return [
        CaseClock(
            label=label,
            due_at=db_datetime(due_at),  # type: ignore[arg-type]
            stopped_at=db_datetime(stopped_at),
            cancelled=bool(cancelled),
        )
        for label, due_at, stopped_at, cancelled in rows
    ]


def cases_clock_status(
    *, case_ids: Iterable[int], now: datetime.datetime | None = None, user: User | None = None
) -> dict[int, str]:
    """The worst running clock of each case, in one query (see the module docstring)."""
    ids = list(case_ids)
    if not ids:
        return {}
    now = now or timezone.now()
    found: dict[int, str] = {}
    running = _kinds_for(
        Clock.objects.filter(case_id__in=ids, stopped_at__isnull=True), user
    ).values_list("case_id", "due_at")
    for case_id, due_at in running:
        key = clock_status_key(due_at=due_at, stopped_at=None, now=now)
        if case_id not in found or _SEVERITY[key] < _SEVERITY[found[case_id]]:
            found[case_id] = key
    return found


def clocks_overdue(*, now: datetime.datetime | None = None) -> QuerySet[Clock]:
    """Running clocks past their due time, most overdue first."""
    return Clock.objects.filter(stopped_at__isnull=True, due_at__lt=now or timezone.now()).order_by(
        "due_at", "pk"
    )


def case_overdue_clock_q(*, now: datetime.datetime | None = None, user: User | None = None) -> Q:
    """Cases with a running clock past its due time (a filter on Case); with `user`, only
    the clocks they may see count."""
    # `pk IN (subquery)` rather than a correlated EXISTS: SQLite would scan the running
    # clocks once per case.
    return Q(pk__in=_kinds_for(clocks_overdue(now=now), user).values("case_id"))


def case_clock_due_soon_q(
    *, days: int = DUE_SOON_DAYS, now: datetime.datetime | None = None, user: User | None = None
) -> Q:
    """Cases with a running clock due in the next `days` days (a filter on Case); with
    `user`, only the clocks they may see count."""
    now = now or timezone.now()
    due = Clock.objects.filter(
        stopped_at__isnull=True,
        due_at__gte=now,
        due_at__lte=now + datetime.timedelta(days=days),
    )
    return Q(pk__in=_kinds_for(due, user).values("case_id"))


@dataclass(frozen=True)
class StageTime:
    status: str
    label: str
    days: float
    current: bool


def case_time_in_stages(
    *, case: Case, transitions: Iterable[CaseTransition], now: datetime.datetime | None = None
) -> list[StageTime]:
    """How long the case spent in each stage it has been in, from the transition log (the
    stage it is in now counts up to `now`). Stages of the review line first, in order."""
    now = now or timezone.now()
    spent: dict[str, datetime.timedelta] = {}
    log = sorted(transitions, key=lambda t: (t.at, t.pk))
    for entered, left in zip(log, [*log[1:], None], strict=False):
        end = left.at if left is not None else now
        spent[entered.to_status] = spent.get(entered.to_status, datetime.timedelta()) + max(
            end - entered.at, datetime.timedelta()
        )
    order: dict[str, int] = {str(status): i for i, status in enumerate(REVIEW_LINE)}
    return [
        StageTime(
            status=status,
            label=str(Status(status).label),
            days=round(duration.total_seconds() / 86400, 1),
            current=status == case.status,
        )
        for status, duration in sorted(spent.items(), key=lambda kv: order.get(kv[0], 99))
        # A closed case is not "in" its closing status; only the stages of work count.
        if status not in CLOSED
    ]
