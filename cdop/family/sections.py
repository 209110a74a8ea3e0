"""The family's section of the case page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdop.accounts import permissions
from cdop.family.selectors import family_summary

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


def family_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    if not permissions.can_view_case(request.user, case):  # pragma: no cover - page checks
        return None
    return {
        "summary": family_summary(case=case),
        "can_work": permissions.can_work_on_case(request.user, case),
        "can_manage": permissions.can_manage_case(request.user, case),
    }
