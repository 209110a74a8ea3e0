"""The case's "Data quality" section: its score and what to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdop.accounts import permissions
from cdop.dataquality import services

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


def dataquality_section_visible(user: Any, case: Case) -> bool:
    return permissions.can_read_data_quality(user, case.area_id)


def dataquality_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case's score and issues, checked now and kept for the area's page (one query,
    two with a "not known" form answer, and the score's writes)."""
    if not permissions.can_read_data_quality(request.user, case.area_id):
        return None
    return {"quality": services.case_quality_check(case=case)}
