from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdop.accounts import permissions
from cdop.ncmd import selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


def ncmd_section_visible(user: Any, case: Case) -> bool:
    return permissions.can_export_ncmd(user, case.area_id)


def ncmd_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case's exports to NCMD, and whether it needs sending again (two queries)."""
    if not permissions.can_export_ncmd(request.user, case.area_id):
        return None
    exports = selectors.case_exports(case=case)
    return {
        "latest": exports[0] if exports else None,
        "needs_resend": selectors.case_needs_resend(case=case),
    }
