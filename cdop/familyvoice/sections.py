from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdop.accounts import permissions
from cdop.familyvoice.selectors import family_voice_requests_for

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


def family_voice_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The family's words on the case page: what they have sent, newest first (three
    queries whatever the case holds)."""
    requests = family_voice_requests_for(case=case)
    return {
        "latest": requests[0] if requests else None,
        "sent": [v for v in requests if v.request.submitted_at is not None],
        "can_work": permissions.can_work_on_case(request.user, case),
    }
