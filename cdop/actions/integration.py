"""How actions show on the case: a section, and chronology entries (a fixed number of
queries whatever the case holds)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.actions.models import OPEN_STATUSES, ActionStatus, ActionStatusChange, FamilyFeedback
from cdop.actions.selectors import actions_for_case
from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.accounts.models import User
    from cdop.cases.models import Case

CHRONOLOGY_KINDS = [Kind("actions", "Actions and family feedback")]


def section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    actions = actions_for_case(case=case)
    today = timezone.localdate()
    return {
        "actions": actions,
        "open": sum(1 for a in actions if a.status in OPEN_STATUSES),
        "overdue": sum(1 for a in actions if a.status in OPEN_STATUSES and a.due_on < today),
        "can_manage": permissions.can_manage_actions(request.user, case),
    }


def chronology_entries(user: User, case: Case) -> Iterable[Entry]:
    url = reverse("actions_case:list", kwargs={"reference": case.reference})
    labels = dict(ActionStatus.choices)
    changes = compiled_rows(
        "chronology.action_changes",
        lambda case_id: (
            ActionStatusChange.objects.filter(action__case_id=case_id)
            .select_related("by")
            .order_by("at", "pk")
        ),
        case.pk,
    )
    for change in changes:
        number = f"ACT-{change.action_id:05d}"
        if not change.from_status:
            title = f"Action {number} agreed"
        else:
            title = f"Action {number}: {labels.get(change.to_status, change.to_status).lower()}"
        yield Entry(
            at=change.at,
            kind="actions",
            title=title,
            detail=change.reason,
            by=change.by.full_name if change.by else "",
            url=url,
        )
    told_the_family = compiled_rows(
        "chronology.family_feedback",
        lambda case_id: FamilyFeedback.objects.filter(case_id=case_id).select_related("told_by"),
        case.pk,
    )
    for told in told_the_family:
        yield Entry(
            at=told.recorded_at,
            kind="actions",
            title="The family were told the panel's outcome",
            detail=f"On {told.told_on:%-d %B %Y}, {told.get_method_display().lower()}",
            by=told.told_by.full_name,
            url=url,
        )
