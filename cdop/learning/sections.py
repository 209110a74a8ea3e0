from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdop.accounts import permissions
from cdop.learning import selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


def learning_section_visible(user: Any, case: Case) -> bool:
    return permissions.can_read_learning(user, case.area_id)


def learning_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case's themes and the themes suggested for it (four queries)."""
    if not permissions.can_read_learning(request.user, case.area_id):
        return None
    tags = selectors.case_tags(case=case)
    tagged = {t.theme_id for t in tags}
    can_tag = permissions.can_tag_learning(request.user, case)
    suggested = (
        [s for s in selectors.case_suggestions(case=case) if s.theme.pk not in tagged]
        if can_tag
        else []
    )
    return {"tags": tags, "suggested": suggested, "can_tag": can_tag}
