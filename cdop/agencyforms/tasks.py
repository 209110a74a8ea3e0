"""Background jobs of agency Reporting Forms (django-tasks, database backend).

The arguments are ids only: the job itself issues the secure link, so its raw token never
reaches the task table.
"""

from __future__ import annotations

from django_tasks import task


@task()
def form_request_email_link(*, form_request_id: int, reason: str) -> bool:
    """Email the contact a fresh link to their request (first request, resend, chase)."""
    from cdop.agencyforms.services import form_request_send_link

    return form_request_send_link(form_request_id=form_request_id, reason=reason)


@task()
def form_request_chase_due(*, form_request_id: int) -> str:
    """Scheduled (run_after) for each reminder date of a request when it is made: sends the
    reminder or escalation due, if the request is still open and it was not sent already."""
    from cdop.agencyforms.services import form_request_chase_one

    return form_request_chase_one(form_request_id=form_request_id) or ""


@task()
def form_requests_chase_pass() -> int:
    """One pass of the automatic reminders and escalations; the number sent. The same as
    `manage.py chase_forms`, which cron runs daily (django-tasks has no schedule)."""
    from cdop.agencyforms.services import form_requests_chase

    return form_requests_chase().total
