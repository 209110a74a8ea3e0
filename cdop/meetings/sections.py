from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdop.accounts import permissions
from cdop.cases.workflow import Status
from cdop.meetings.models import MeetingKind, MeetingStatus
from cdop.meetings.selectors import agenda_items_for_case

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


def meetings_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The meetings the case is on (newest first), with each one's triage: one query."""
    items = agenda_items_for_case(case=case)
    can_manage = permissions.can_manage_case(
        request.user, case
    ) and permissions.can_manage_meetings(request.user, case.area_id)
    has_cdrm = any(
        i.meeting.kind == MeetingKind.CDRM and i.meeting.status != MeetingStatus.CANCELLED
        for i in items
    )
    return {
        "items": items,
        "can_manage": can_manage,
        "can_schedule_cdrm": can_manage
        and not has_cdrm
        and case.status in (Status.INFORMATION_GATHERING, Status.AWAITING_CDRM),
    }
