from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.audit.services import audit_read
from cdop.cases import selectors
from cdop.cases.blockers import case_blockers
from cdop.cases.case_sections import exit_context
from cdop.cases.forms import CaseFilterForm, TransitionForm, transition_form_blank
from cdop.cases.models import Case
from cdop.cases.presenters import (
    CSV_COLUMNS,
    LIST_COLUMNS,
    CaseRow,
    case_list_csv,
    case_list_rows,
    filter_select,
    search_box,
    stage_checkboxes,
)
from cdop.cases.search import case_list_audit
from cdop.cases.sections import section_get, sections_for, sections_visible
from cdop.cases.services import TRANSITION_SERVICES
from cdop.cases.workflow import OPEN, REVIEW_LINE, TRANSITIONS, Status
from cdop.core.errors import DomainError

PAGE_SIZE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    if not permissions.area_ids_with_roles(user, permissions.CASE_READERS):
        raise Http404
    key_workers = selectors.case_key_worker_choices(user=user)  # type: ignore[arg-type]
    # The page's controls are made in Python (presenters), not by the widgets: no dressing.
    form = CaseFilterForm(request.GET, key_workers=key_workers, for_rendering=False)
    form.is_valid()  # invalid choices are ignored (and marked); only the search stops the list
    filters = form.list_filters()
    typed = request.GET.get("q", "").strip()[:200]
    if request.GET.get("format") == "csv" and not form.search_failed:
        return _case_list_export(request, filters, typed)
    page = None
    if not form.search_failed:
        # Only what the rows show, as plain values: the list is the page staff open most.
        cases = selectors.case_list_for_user(user=user, filters=filters)  # type: ignore[arg-type]
        if filters.search is not None:
            page = _search_page(cases, request.GET.get("page"))
        else:
            rows = selectors.case_list_values(cases, filters, LIST_COLUMNS)
            total = selectors.case_list_total(user=user, filters=filters)  # type: ignore[arg-type]
            paginator = Paginator(rows, PAGE_SIZE)  # type: ignore[arg-type]
            if total is not None:
                paginator.__dict__["count"] = total  # fills the cached property
            page = paginator.get_page(request.GET.get("page"))
    if typed:
        case_list_audit(
            user=user,  # type: ignore[arg-type]
            kind="search",
            terms=_audit_terms(request, typed),
            results=page.paginator.count if page is not None else 0,
        )
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": _rows(page, key_workers, user) if page is not None else "",  # type: ignore[arg-type]
            "form": form,
            "search_box": search_box(form["q"]),
            "stages": stage_checkboxes(filters.statuses),
            "selects": [filter_select(form[name]) for name in _SELECTS if name in form.fields],
            "filtered": any(request.GET.get(k) for k in form.fields if k != "sort"),
        },
        status=400 if form.search_failed else 200,
    )


def _search_page(cases: QuerySet[Case], number: str | None) -> Page[Any]:
    """A search's page, with the number found taken from the page's own statement
    (selectors.case_search_page). Past the last page (an old bookmark) no row carries the
    number: then the paginator counts and shows the last page, as it always did."""
    paginator: Paginator[Any] = Paginator(cases.values_list(*LIST_COLUMNS), PAGE_SIZE)
    try:
        wanted = int(number or 1)
    except ValueError:
        wanted = 1  # as the paginator reads a page that is not a number
    if wanted < 1:
        return paginator.get_page(wanted)  # the last page, as the paginator shows it
    start = (wanted - 1) * PAGE_SIZE
    rows, found = selectors.case_search_page(cases, start, start + PAGE_SIZE)
    if not rows and wanted > 1:
        return paginator.get_page(wanted)
    paginator.__dict__["count"] = found  # the cached property
    return Page(rows, wanted, paginator)


_SELECTS = ("clock", "key_worker", "expectedness", "year", "reporting_year", "sort")


def _rows(page: Page[CaseRow], key_workers: list[tuple[int, str]] | None, user: User) -> str:
    """The page's rows, naming key workers from the filter's list (no join in the page
    query); a key worker no longer holding the role is looked up, at most one query."""
    names = dict(key_workers or [(user.pk, user.full_name)])
    rows = list(page.object_list)
    missing = {row[6] for row in rows if row[6] is not None} - names.keys()
    if missing:
        names |= selectors.user_names(ids=missing)
    return case_list_rows(rows, names)


def _audit_terms(request: HttpRequest, typed: str) -> dict[str, object]:
    """What was asked for, as typed (within the audit log only)."""
    terms: dict[str, object] = {
        key: ", ".join(values)
        for key, values in request.GET.lists()
        if key not in {"page", "format", "q"} and any(values)
    }
    if typed:
        terms["q"] = typed
    return terms


def _case_list_export(
    request: HttpRequest, filters: selectors.CaseListFilters, typed: str
) -> StreamingHttpResponse:
    cases = selectors.case_list_for_user(user=request.user, filters=filters)  # type: ignore[arg-type]
    rows = cases.select_related(None).values_list(*CSV_COLUMNS)
    case_list_audit(
        user=request.user,  # type: ignore[arg-type]
        kind="export",
        terms=_audit_terms(request, typed),
        results=rows.count(),
    )
    response = StreamingHttpResponse(
        case_list_csv(rows.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _detail_context(
    request: HttpRequest, reference: str, failed: tuple[str, TransitionForm] | None = None
) -> dict[str, object]:
    """The overview: the child, where the review stands, what holds it up, the next step."""
    case = selectors.case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    available = selectors.case_available_transitions(user=request.user, case=case)  # type: ignore[arg-type]
    line_position = REVIEW_LINE.index(case.status) if case.status in REVIEW_LINE else None
    next_forms = [
        (t, failed[1] if failed and failed[0] == t.name else transition_form_blank(t.name))
        for t in available
        if t.along_review_line
    ]
    return {
        "case": case,
        "next_forms": next_forms,
        "failed_form": failed[1] if failed else None,
        "sections": sections_for(request, case, overview_only=True),
        "section_links": sections_visible(request.user, case),
        # A closed case has nothing left to hold up.
        "blockers": [
            b
            for b in (case_blockers(case.pk) if case.status in OPEN else [])
            if permissions.can_view_blocker_kind(request.user, case, b.kind)
        ],
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
def case_section(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """One part of the case (tasks, family, documents, ...) on its own page."""
    case = selectors.case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    section = section_get(key)
    if section is None or section not in sections_visible(request.user, case):
        raise Http404
    section_context = section.context(request, case)
    if section_context is None:
        raise Http404
    audit_read(obj=case)
    return render(
        request,
        "cases/section.html",
        {
            "case": case,
            "section": section,
            "section_context": section_context,
            "section_links": sections_visible(request.user, case),
        },
    )


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
    # Show the page the form was on again, with its errors and what was typed, with a 400.
    if spec.along_review_line:
        context = _detail_context(request, reference, failed=(name, form))
        return render(request, "cases/detail.html", context, status=400)
    section = section_get("close")
    if section is None:  # pragma: no cover - registered by the app
        raise Http404
    return render(
        request,
        "cases/section.html",
        {
            "case": case,
            "section": section,
            "section_context": exit_context(request, case, failed=(name, form)),
            "section_links": sections_visible(request.user, case),
            "failed_form": form,
        },
        status=400,
    )
