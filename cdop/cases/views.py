from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.audit.services import audit_read
from cdop.cases import selectors
from cdop.cases.forms import CaseFilterForm, TransitionForm
from cdop.cases.presenters import LIST_COLUMNS, case_list_rows
from cdop.cases.sections import sections_for
from cdop.cases.services import TRANSITION_SERVICES
from cdop.cases.workflow import REVIEW_LINE, TRANSITIONS, Status
from cdop.core.errors import DomainError

PAGE_SIZE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not permissions.area_ids_with_roles(request.user, permissions.CASE_READERS):
        raise Http404
    filters = CaseFilterForm(request.GET)
    status = query = ""
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        query = filters.cleaned_data["q"]
    cases = selectors.case_list_for_user(user=request.user, status=status, query=query)  # type: ignore[arg-type]
    # Only what the rows show, as plain values: the list is the page staff open most.
    cases = cases.select_related(None).values_list(*LIST_COLUMNS)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": case_list_rows(page.object_list),
            "filters": filters,
            "status": status,
            "query": query,
            "statuses": Status.choices,
        },
    )


def _detail_context(
    request: HttpRequest, reference: str, failed: tuple[str, TransitionForm] | None = None
) -> dict[str, object]:
    case = selectors.case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    available = selectors.case_available_transitions(user=request.user, case=case)  # type: ignore[arg-type]
    line_position = REVIEW_LINE.index(case.status) if case.status in REVIEW_LINE else None
    forms = [
        (
            t,
            failed[1]
            if failed and failed[0] == t.name
            else TransitionForm(transition=t, auto_id=f"id_{t.name}_%s"),
        )
        for t in available
    ]
    return {
        "case": case,
        "transitions": selectors.case_transitions_for(case=case),
        "next_forms": [(t, f) for t, f in forms if t.along_review_line],
        "exit_forms": [(t, f) for t, f in forms if not t.along_review_line],
        "failed_form": failed[1] if failed else None,
        "failed_exit": bool(failed and not TRANSITIONS[failed[0]].along_review_line),
        "sections": sections_for(request, case),
        "review_line": [
            (status, Status(status).label, line_position is not None and i <= line_position)
            for i, status in enumerate(REVIEW_LINE)
        ],
    }


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    context = _detail_context(request, reference)
    audit_read(obj=context["case"])  # type: ignore[arg-type]
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def case_transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise Http404
    form = TransitionForm(request.POST, transition=spec, auto_id=f"id_{name}_%s")
    if form.is_valid():
        try:
            TRANSITION_SERVICES[name](case=case, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Case {case.reference}: {spec.target.label.lower()}.")
            return redirect(case.get_absolute_url())
    # Show the case again with this form's errors and what was typed, with a 400.
    context = _detail_context(request, reference, failed=(name, form))
    return render(request, "cases/detail.html", context, status=400)
