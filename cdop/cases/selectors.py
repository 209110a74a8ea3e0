from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.cases.models import Case, CaseTransition
from cdop.cases.workflow import Status, Transition, transitions_from


def case_list_for_user(*, user: User, status: str = "", query: str = "") -> QuerySet[Case]:
    """Cases the user may read, newest first, optionally by status or a search."""
    cases = Case.objects.filter(permissions.case_visibility_q(user)).select_related("area")
    if status in Status.values:
        cases = cases.filter(status=status)
    query = query.strip()
    if query:
        digits = query.replace(" ", "").replace("-", "")
        condition = Q(reference__iexact=query) | Q(child_last_name__iexact=query)
        if digits.isdigit() and len(digits) == 10:
            condition |= Q(child_nhs_number=digits)
        cases = cases.filter(condition)
    return cases.order_by("-opened_at", "-pk")


def case_get_for_user(*, user: User, reference: str) -> Case:
    """The case, or a 404 for anyone who may not read it (so a reference reveals nothing)."""
    case = (
        Case.objects.select_related("area", "merged_into", "opened_by")
        .filter(reference=reference)
        .first()
    )
    if case is None or not permissions.can_view_case(user, case):
        raise Http404("No such case")
    return case


def case_transitions_for(*, case: Case) -> QuerySet[CaseTransition]:
    return case.transitions.select_related("by").order_by("at", "pk")


def case_available_transitions(*, user: User, case: Case) -> list[Transition]:
    if not permissions.can_manage_case(user, case):
        return []
    return transitions_from(case.status)
