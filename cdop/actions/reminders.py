"""Reminding an action's owner as its due date comes and goes.

The steps, for an action still open or in progress:
- due soon: from ACTIONS_REMIND_DAYS_BEFORE days (default 14) before the due date;
- overdue: from the day after the due date;
- still overdue: every ACTIONS_REMIND_OVERDUE_EVERY_DAYS days (default 28) after that.
Only the latest step reached is sent, so a pass that runs late sends one email, not a burst.
Each reminder is an ActionReminder row per action, due date, step (and repeat), claimed
before the email goes: it is sent at most once, whoever runs first (a scheduled job or the
daily `manage.py remind_actions` pass). A new due date starts the steps again.

The email names the action by its reference (ACT-00012), its owner organisation and its due
date, and says whom to reply to. It does not carry the action's words: they are free text,
and nothing proves they name nobody (an email can go astray).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from cdop.actions.models import OPEN_STATUSES, Action, ActionReminder, ReminderStep


def remind_days_before() -> int:
    return int(getattr(settings, "ACTIONS_REMIND_DAYS_BEFORE", 14))


def remind_overdue_every_days() -> int:
    return int(getattr(settings, "ACTIONS_REMIND_OVERDUE_EVERY_DAYS", 28))


@dataclass(frozen=True)
class Step:
    step: str
    repeat: int = 0


def reminder_step_for(*, due_on: datetime.date, today: datetime.date) -> Step | None:
    """The reminder an action due on `due_on` has reached today, if any."""
    if today > due_on:
        late = (today - due_on).days
        repeat = late // remind_overdue_every_days()
        return Step(ReminderStep.STILL_OVERDUE, repeat) if repeat else Step(ReminderStep.OVERDUE)
    if today >= due_on - datetime.timedelta(days=remind_days_before()):
        return Step(ReminderStep.DUE_SOON)
    return None


def reminder_times(*, due_on: datetime.date) -> list[datetime.datetime]:
    """When the first reminders fall due: 08:00 on the day each step is reached (the daily
    pass sends the later still-overdue ones)."""
    days = [
        due_on - datetime.timedelta(days=remind_days_before()),
        due_on + datetime.timedelta(days=1),
        due_on + datetime.timedelta(days=remind_overdue_every_days()),
    ]
    return [timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))) for day in days]


def reminders_schedule(*, action_id: int, due_on: datetime.date) -> int:
    """Queue a job for each reminder time (django-tasks' run_after), for a worker that runs
    without cron. A backend that cannot defer (the tests' immediate one) schedules nothing:
    the daily pass catches anything a job missed. A job finding nothing due does nothing."""
    from cdop.actions.tasks import action_remind_due

    if not action_remind_due.get_backend().supports_defer:
        return 0
    now = timezone.now()
    scheduled = 0
    for when in reminder_times(due_on=due_on):
        if when > now:
            action_remind_due.using(run_after=when).enqueue(action_id=action_id)
            scheduled += 1
    return scheduled


_SUBJECTS = {
    ReminderStep.DUE_SOON: "An action from the Child Death Overview Panel is due soon",
    ReminderStep.OVERDUE: "An action from the Child Death Overview Panel is overdue",
    ReminderStep.STILL_OVERDUE: "An action from the Child Death Overview Panel is still overdue",
}


def _email_text(action: Action, step: Step) -> str:
    due = dateformat.format(action.due_on, "j F Y")
    area = action.area
    when = (
        f"is due on {due}"
        if step.step == ReminderStep.DUE_SOON
        else f"was due on {due} and is not yet recorded as done"
    )
    reply_to = area.contact_email or "the child death review team"
    return (
        "Hello,\n\n"
        f"Action {action.number}, owned by {action.owner_label}, from the {area.name} Child "
        f"Death Overview Panel {when}.\n\n"
        f"Please tell the child death review team what has been done, or when it will be, "
        f"quoting {action.number}: {reply_to}"
        f"{f' or {area.contact_phone}' if area.contact_phone else ''}.\n\n"
        "This email contains no details of the child or the family on purpose. The action's "
        "words are in the panel's letter to your organisation; the team can tell you them "
        "again. Do not reply with case details by email."
    )


def action_remind_one(*, action_id: int, today: datetime.date | None = None) -> str | None:
    """Send the reminder an action has reached today, unless it was sent already or the
    action is closed; the step sent, or None."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            action = (
                Action.objects.select_for_update(of=("self",))
                .select_related("area", "owner_organisation")
                .filter(pk=action_id)
                .first()
            )
            if action is None or action.status not in OPEN_STATUSES:
                return None
            step = reminder_step_for(due_on=action.due_on, today=today)
            if step is None:
                return None
            # The row first: the unique constraint makes the second sender stop here.
            ActionReminder.objects.create(
                action=action,
                step=step.step,
                repeat=step.repeat,
                due_on=action.due_on,
                sent_to=action.owner_email,
                sent_at=timezone.now(),
            )
            send_mail(
                subject=_SUBJECTS[ReminderStep(step.step)],
                message=_email_text(action, step),
                from_email=None,
                recipient_list=[action.owner_email],
            )
    except IntegrityError:
        return None  # sent already (by another pass, or earlier today)
    return step.step


@dataclass
class RemindPass:
    sent: list[tuple[int, str]] = field(default_factory=list)

    def count(self, step: str) -> int:
        return sum(1 for _, sent in self.sent if sent == step)


def actions_remind(*, today: datetime.date | None = None) -> RemindPass:
    """One pass of the reminders: every open action whose reminder is due and not yet sent.
    Safe to run again and again (one row per action, due date and step)."""
    today = today or timezone.localdate()
    result = RemindPass()
    latest_due = today + datetime.timedelta(days=remind_days_before())
    candidates = (
        Action.objects.filter(status__in=OPEN_STATUSES, due_on__lte=latest_due)
        .order_by("due_on", "pk")
        .values_list("pk", "due_on")
    )
    sent = set(
        ActionReminder.objects.filter(
            action__status__in=OPEN_STATUSES, action__due_on__lte=latest_due
        ).values_list("action_id", "due_on", "step", "repeat")
    )
    for action_id, due_on in candidates:
        step = reminder_step_for(due_on=due_on, today=today)
        if step is None or (action_id, due_on, step.step, step.repeat) in sent:
            continue
        if action_remind_one(action_id=action_id, today=today):
            result.sent.append((action_id, step.step))
    return result
