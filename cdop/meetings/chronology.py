"""Meetings on the case chronology: scheduled, cancelled, held, the case discussed.
One query whatever the case holds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from cdop.chronology.registry import Entry, Kind
from cdop.meetings.models import MeetingKind, MeetingStatus
from cdop.meetings.selectors import agenda_items_for_case

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

KINDS = [Kind(key="meeting", label="Meetings")]


def meetings_chronology(user: User, case: Case) -> Iterable[Entry]:
    for item in agenda_items_for_case(case=case):
        meeting = item.meeting
        url = reverse("meetings:detail", kwargs={"meeting_id": meeting.pk})
        kind = meeting.get_kind_display().lower()
        yield Entry(
            at=meeting.created_at,
            kind="meeting",
            title=f"{meeting.get_kind_display()} scheduled: {meeting.title}",
            detail=f"On {timezone.localtime(meeting.starts_at):%d %B %Y at %H:%M}",
            url=url,
        )
        if meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_at is not None:
            yield Entry(
                at=meeting.cancelled_at,
                kind="meeting",
                title=f"{meeting.get_kind_display()} cancelled: {meeting.title}",
                detail=meeting.cancel_reason,
                url=url,
            )
        if meeting.held_at is not None:
            yield Entry(
                at=meeting.held_at,
                kind="meeting",
                title=f"{meeting.get_kind_display()} held: {meeting.title}",
                url=url,
            )
        if item.discussed_at is not None and meeting.kind == MeetingKind.PANEL:
            yield Entry(
                at=item.discussed_at,
                kind="meeting",
                title=f"Case discussed at the {kind}: {meeting.title}",
                detail=(
                    f"{item.get_triage_display()}"
                    + (f": {item.triage_reason}" if item.triage_reason else "")
                ),
                url=url,
            )
