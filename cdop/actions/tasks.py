"""Background jobs of actions (django-tasks, database backend). Arguments are ids only."""

from __future__ import annotations

from django_tasks import task


@task()
def action_remind_due(*, action_id: int) -> str:
    """Scheduled (run_after) for each reminder time of an action when it is made or its due
    date changes: sends the reminder the action has reached, if any and not sent already."""
    from cdop.actions.reminders import action_remind_one

    return action_remind_one(action_id=action_id) or ""


@task()
def actions_remind_pass() -> int:
    """One pass of the reminders; the number sent. The same as `manage.py remind_actions`,
    which cron runs daily (django-tasks has no schedule)."""
    from cdop.actions.reminders import actions_remind

    return len(actions_remind().sent)
