"""The case app's own sections: notifications and notifiers, status history, and the ways
out of the review (transfer, close, merge). Each on its own page, off the overview."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cdop.cases import selectors
from cdop.cases.forms import TransitionForm, transition_form_blank
from cdop.cases.models import Case
from cdop.cases.sections import CaseSection, section_register


def notifications_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    return {}  # the template tag reads the notifications


def history_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    from cdop.clocks.selectors import case_time_in_stages

    transitions = list(selectors.case_transitions_for(case=case))
    return {
        "transitions": transitions,
        "stages": case_time_in_stages(case=case, transitions=transitions),
    }


def exit_context(
    request: HttpRequest, case: Case, failed: tuple[str, TransitionForm] | None = None
) -> dict[str, Any] | None:
    available = selectors.case_available_transitions(user=request.user, case=case)  # type: ignore[arg-type]
    forms = [
        (t, failed[1] if failed and failed[0] == t.name else transition_form_blank(t.name))
        for t in available
        if not t.along_review_line
    ]
    return {"exit_forms": forms, "failed_form": failed[1] if failed else None}


def register() -> None:
    section_register(
        CaseSection(
            key="notifications",
            title="Notifications",
            order=5,
            template="cases/_section_notifications.html",
            context=notifications_context,
        )
    )
    section_register(
        CaseSection(
            key="history",
            title="Status history",
            order=95,
            template="cases/_section_history.html",
            context=history_context,
        )
    )
    section_register(
        CaseSection(
            key="close",
            title="Transfer, close or merge",
            order=98,
            template="cases/_section_close.html",
            context=exit_context,
        )
    )
