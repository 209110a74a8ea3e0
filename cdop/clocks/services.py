"""Starting and stopping clocks, and the clocks of the review's stages (domain.md §4).

Other steps call clock_start / clock_stop inside their own transactions. The stage clocks
are started and stopped here, from the case_transitioned signal (see apps.py):

- "notification": from the death (its recorded time, else midday) to the first
  notification's arrival; due `notification_hours` after the death. Made, already stopped,
  when the case is opened.
- "jar" (unexpected deaths that need a Joint Agency Response): from the first notification to
  the completion of the last JAR task; due `jar_hours` after the notification.
- "cdrm": from the date of death to "child death review meeting held"; due `cdrm_months`
  after the death.
- "panel": from the date of death to "reviewed by panel"; due `panel_months` after the death.

A case that leaves the review (transferred, merged, out of scope) has its running clocks
cancelled; finalising stops any still running.
"""

from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.audit.services import audit_actor
from cdop.cases.models import Case, CaseTransition, Expectedness, Task
from cdop.cases.workflow import CLOSED, Status
from cdop.clocks.models import Clock, ClockSettings

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.areas.models import Area

JAR_RULE = "jar"  # cdop.notifications.jar.RULE, repeated to keep this module light

# Which transition stops which stage clock.
STOPPED_BY: dict[str, str] = {
    "case_record_cdrm_held": "cdrm",
    "case_record_panel_review": "panel",
}


def clock_start(
    *,
    case: Case,
    kind: str,
    label: str,
    started_at: datetime.datetime,
    due_at: datetime.datetime,
    source: str = "",
) -> Clock:
    """Start (or restart with new times) the clock of this kind and source on the case."""
    clock, _ = Clock.objects.update_or_create(
        case=case,
        kind=kind,
        source=source,
        defaults={
            "label": label,
            "started_at": started_at,
            "due_at": due_at,
            "stopped_at": None,
            "cancelled": False,
        },
    )
    return clock


def clock_stop(
    *, case: Case, kind: str, at: datetime.datetime, source: str = "", cancelled: bool = False
) -> Clock | None:
    """Stop the running clock of this kind and source, if there is one. `cancelled`: it
    stopped because it no longer applies, not because its step was done."""
    clock = Clock.objects.filter(case=case, kind=kind, source=source, stopped_at=None).first()
    if clock is not None:
        clock.stopped_at = at
        clock.cancelled = cancelled
        clock.save(update_fields=["stopped_at", "cancelled"])
    return clock


def clock_settings_update(*, area: Area, by: User, **values: int) -> ClockSettings:
    """Change an area's timescales (administrators only). Clocks already running keep their
    due dates; the new values apply to clocks started from now on."""
    if not permissions.can_edit_clock_settings(by, area):
        raise Http404
    with audit_actor(by), transaction.atomic():
        ClockSettings.objects.get_or_create(area=area)
        settings_row = ClockSettings.objects.select_for_update().get(area=area)
        for name, value in values.items():
            setattr(settings_row, name, value)
        settings_row.full_clean()
        settings_row.save()
    return settings_row


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` later; the 31st becomes the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _death_moment(case: Case, time_of_death: datetime.time | None) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(case.date_of_death, time_of_death or datetime.time(12, 0)),
        timezone.get_default_timezone(),
    )


def _death_day_start(case: Case) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(case.date_of_death, datetime.time(0, 0)),
        timezone.get_default_timezone(),
    )


def stage_clocks_start(*, case: Case, at: datetime.datetime) -> None:
    """The clocks a case has from the moment it is opened."""
    from cdop.clocks.selectors import clock_settings_for_area

    settings_row = clock_settings_for_area(area_id=case.area_id)
    first = (
        case.notifications.order_by("received_at", "pk")
        .values("received_at", "time_of_death")
        .first()
    )
    if first is not None:
        death = _death_moment(case, first["time_of_death"])
        clock = clock_start(
            case=case,
            kind="notification",
            label=f"Notification within {settings_row.notification_hours} hours of the death",
            started_at=death,
            due_at=death + datetime.timedelta(hours=settings_row.notification_hours),
        )
        clock.stopped_at = max(first["received_at"], death)
        clock.save(update_fields=["stopped_at"])
    # The JAR clock runs for a death that needs a Joint Agency Response; its tasks may be made
    # before or just after the case is opened (by the notification's background job).
    if (
        case.expectedness == Expectedness.UNEXPECTED
        and case.notifications.filter(jar_required=True).exists()
    ):
        notified = first["received_at"] if first is not None else case.opened_at
        clock_start(
            case=case,
            kind="jar",
            label=f"Joint Agency Response tasks done within {settings_row.jar_hours} hours",
            started_at=notified,
            due_at=notified + datetime.timedelta(hours=settings_row.jar_hours),
        )
        jar_clock_stop_if_done(case=case)
    day_of_death = _death_day_start(case)
    clock_start(
        case=case,
        kind="cdrm",
        label=f"Child death review meeting within {settings_row.cdrm_months} months of the death",
        started_at=day_of_death,
        due_at=add_months(day_of_death, settings_row.cdrm_months),
    )
    clock_start(
        case=case,
        kind="panel",
        label=f"Panel review within {settings_row.panel_months} months of the death",
        started_at=day_of_death,
        due_at=add_months(day_of_death, settings_row.panel_months),
    )


def jar_clock_stop_if_done(*, case: Case) -> None:
    """Stop the JAR clock when the case's JAR tasks are all done, at the last one's completion.
    A case whose JAR tasks are not made yet keeps its clock running."""
    done = list(
        Task.objects.filter(case=case, rule=JAR_RULE).values_list("completed_at", flat=True)
    )
    if done and all(at is not None for at in done):
        clock_stop(case=case, kind="jar", at=max(at for at in done if at is not None))


def stage_clocks_on_transition(*, case: Case, transition: CaseTransition) -> None:
    """Start or stop stage clocks as the case moves (called inside the transition's
    transaction by the case_transitioned receiver)."""
    if transition.name == "case_open":
        stage_clocks_start(case=case, at=transition.at)
        return
    kind = STOPPED_BY.get(transition.name)
    if kind is not None:
        clock_stop(case=case, kind=kind, at=transition.at)
    if transition.to_status in CLOSED:
        cancelled = transition.to_status != Status.FINALISED
        # One save per clock (a case has a handful) so that each is in the audit log.
        for clock in Clock.objects.filter(case=case, stopped_at__isnull=True):
            clock.stopped_at = transition.at
            clock.cancelled = cancelled
            clock.save(update_fields=["stopped_at", "cancelled"])
