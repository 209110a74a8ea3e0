"""Background jobs of meetings (django-tasks). Arguments are ids only."""

from __future__ import annotations

from django_tasks import task


@task()
def meeting_email_invitees(*, meeting_id: int, invitee_ids: list[int], reason: str) -> int:
    """Email these invitees about the meeting: "invited", "changed" or "cancelled".
    Returns the number sent."""
    from cdop.meetings.services import meeting_send_emails

    return meeting_send_emails(meeting_id=meeting_id, invitee_ids=invitee_ids, reason=reason)
