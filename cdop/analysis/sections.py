from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdop.accounts import permissions
from cdop.analysis.selectors import analysis_view
from cdop.cases.workflow import Status

# From the child death review meeting on, the case page shows the form even before it starts.
ANALYSIS_STAGES = frozenset(
    {Status.CDRM_HELD, Status.AWAITING_PANEL, Status.PANEL_REVIEWED, Status.FINALISED}
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


def analysis_section_visible(user: Any, case: Case) -> bool:
    """The Analysis Form has something to show: the case has reached its review meeting, or
    a form was started (at a meeting) before it did. The same test as the context below, so
    that the case's tabs never offer a page that answers 404. Only a case before the meeting
    stage costs a query, once a page (the answer is kept on the case)."""
    return case.status in ANALYSIS_STAGES or hasattr(case, "analysis")


def analysis_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The Analysis Form on the case page: where it stands, its answers, and what it still
    needs once the panel has reviewed the case (five queries whatever it holds)."""
    if not analysis_section_visible(request.user, case):
        return None  # nothing to show yet: the form is for the meetings
    view = analysis_view(case=case)
    return {
        "view": view,
        "can_edit": permissions.can_edit_analysis(request.user, case),
        "show_missing": case.status == Status.PANEL_REVIEWED and not view.is_complete,
    }
