"""The Analysis Form pages, from the case and from a meeting's agenda item.

From the case (/staff/cases/<reference>/analysis/): every page starts from
case_get_for_user, so anyone who may not read the case gets the same 404 as for a case that
does not exist; changing the form needs permissions.can_manage_case (404 otherwise).

From the meeting (/staff/meetings/<m>/items/<i>/analysis/): every page starts from
agenda_item_get_for_user (404 unless the user may read the meeting); the page is headed by
the item's anonymised label and shows nothing that names the child. Changing the form needs
permissions.can_record_meeting; finalising needs permissions.can_finalise_case.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.analysis import selectors, services
from cdop.analysis.forms import AnalysisPage
from cdop.analysis.rules import EXPLAIN, Problem, analysis_missing
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.cases.services import case_finalise
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.meetings.models import AgendaItem
from cdop.meetings.selectors import agenda_item_get_for_user


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


def _case_urls(case: Case) -> dict[str, str]:
    kwargs = {"reference": case.reference}
    return {
        "detail": reverse("analysis:detail", kwargs=kwargs),
        "edit": reverse("analysis:edit", kwargs=kwargs),
        "back": case.get_absolute_url(),
    }


def _item_urls(item: AgendaItem) -> dict[str, str]:
    kwargs = {"meeting_id": item.meeting_id, "item_id": item.pk}
    return {
        "detail": reverse("analysis_meeting:detail", kwargs=kwargs),
        "edit": reverse("analysis_meeting:edit", kwargs=kwargs),
        "finalise": reverse("analysis_meeting:finalise", kwargs=kwargs),
        "back": reverse("meetings:item", kwargs=kwargs),
    }


def _can_finalise(user: User, case: Case, view: selectors.AnalysisView) -> bool:
    return (
        case.status == Status.PANEL_REVIEWED
        and view.is_complete
        and not view.missing
        and permissions.can_finalise_case(user, case)
    )


# --- From the case --------------------------------------------------------------------------


def _quality_before_finalising(user: User, case: Case, can_finalise: bool) -> dict[str, Any]:
    """Whoever may finalise sees the case's data-quality issues first (NCMD receives the case
    as it is); a link to them only for those who may read them (not a chair at the meeting)."""
    if not can_finalise:
        return {"quality": None}
    from cdop.dataquality.selectors import case_quality  # a later step reads this one

    return {
        "quality": case_quality(case),
        "quality_link": permissions.can_read_data_quality(user, case.area_id),
    }


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_get_for_user(user=user, reference=reference)
    view = selectors.analysis_view(case=case)
    audit_read(obj=view.analysis or case)
    can_finalise = _can_finalise(user, case, view)
    return render(
        request,
        "analysis/detail.html",
        {
            "case": case,
            "view": view,
            "urls": _case_urls(case),
            "can_edit": permissions.can_edit_analysis(user, case),
            "can_finalise": can_finalise,
            **_quality_before_finalising(user, case, can_finalise),
            "locked": permissions.case_is_locked(case),
            "can_reopen": permissions.case_is_locked(case)
            and permissions.can_reopen_case(user, case),
        },
    )


@login_required
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_get_for_user(user=user, reference=reference)
    if not permissions.can_manage_case(user, case):
        raise Http404
    return _edit(
        request,
        case=case,
        item=None,
        urls=_case_urls(case),
        heading="Analysis Form",
        caption=f"{case.reference} · {case.child_name}",
        can_reopen=permissions.can_reopen_case(user, case),
    )


# --- From a meeting's agenda item -----------------------------------------------------------


def _item(request: HttpRequest, meeting_id: int, item_id: int) -> AgendaItem:
    return agenda_item_get_for_user(user=_user(request), meeting_id=meeting_id, item_id=item_id)


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    return _meeting_detail(request, _item(request, meeting_id, item_id))


def _meeting_detail(
    request: HttpRequest, item: AgendaItem, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = _user(request)
    case = item.case
    view = selectors.analysis_view(case=case)
    audit_read(obj=view.analysis or item)
    can_finalise = permissions.can_record_meeting(user, item.meeting) and _can_finalise(
        user, case, view
    )
    return render(
        request,
        "analysis/meeting_detail.html",
        {
            "item": item,
            "meeting": item.meeting,
            "view": view,
            "urls": _item_urls(item),
            "can_edit": permissions.can_record_analysis_at_meeting(user, item.meeting, case),
            "can_finalise": can_finalise,
            **_quality_before_finalising(user, case, can_finalise),
            "locked": permissions.case_is_locked(case),
            "status_label": case.get_status_display(),
            "error": error,
        },
        status=status,
    )


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = _item(request, meeting_id, item_id)
    # A cancelled meeting records nothing (the service refuses it too).
    if item.meeting.status == "cancelled" or not permissions.can_record_meeting(
        _user(request), item.meeting
    ):
        raise Http404
    return _edit(
        request,
        case=item.case,
        item=item,
        urls=_item_urls(item),
        heading=f"Analysis Form: {item.label}",
        caption=item.meeting.title,
        can_reopen=False,
    )


@login_required
@require_POST
def meeting_finalise(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    user = _user(request)
    item = _item(request, meeting_id, item_id)
    if not (
        permissions.can_record_meeting(user, item.meeting)
        and permissions.can_finalise_case(user, item.case)
    ):
        raise Http404
    try:
        case_finalise(
            case=item.case,
            by=user,
            reason=f"Finalised from the panel meeting “{item.meeting.title}”",
        )
    except DomainError as error:
        return _meeting_detail(request, item, error=error.message, status=400)
    messages.success(request, f"{item.label}: the review is finalised.")
    return redirect(_item_urls(item)["detail"])


# --- The form, on either side ---------------------------------------------------------------


def _edit(
    request: HttpRequest,
    *,
    case: Case,
    item: AgendaItem | None,
    urls: dict[str, str],
    heading: str,
    caption: str,
    can_reopen: bool,
) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {
        "case": case,
        "item": item,
        "urls": urls,
        "heading": heading,
        "caption": caption,
        "explain": EXPLAIN,
    }
    if permissions.case_is_locked(case):
        # Nothing on a finalised review changes; a post here is refused, not half-saved.
        audit_read(obj=case if item is None else item)
        context["can_reopen"] = can_reopen
        status = 409 if request.method == "POST" else 200
        return render(request, "analysis/locked.html", context, status=status)
    analysis = selectors.analysis_for_case(case=case)
    lists = selectors.form_lists(
        version=analysis.form_version if analysis else selectors.form_version_current()
    )
    if request.method != "POST":
        audit_read(obj=analysis or (case if item is None else item))
        page = AnalysisPage(
            lists=lists, analysis=analysis, seen=services.analysis_seen_token(analysis)
        )
        return _render_page(request, context, page)
    add = str(request.POST.get("add", ""))[:16]
    if add:
        page = AnalysisPage(lists=lists, data=request.POST, add=add)
        return _render_page(request, {**context, "added": True}, page)
    page = AnalysisPage(lists=lists, data=request.POST)
    complete = request.POST.get("save") == "complete"
    if page.is_valid():
        draft = page.draft()
        missing = analysis_missing(draft) if complete else []
        if missing:
            page.general_errors.append(
                "The analysis is not complete yet: each answer still needed is marked below. "
                "Save it as a draft, or add what is missing."
            )
            page.add_problems(missing)
        else:
            try:
                services.analysis_save(
                    case=case, by=user, draft=draft, complete=complete, seen=page.seen(), item=item
                )
            except DomainError as error:
                page.add_problems([Problem(error.field or "", error.message)])
            else:
                messages.success(
                    request,
                    "The Analysis Form is complete."
                    if complete
                    else "The Analysis Form is saved as a draft.",
                )
                return redirect(urls["detail"])
    return _render_page(request, context, page, status=400)


def _render_page(
    request: HttpRequest, context: dict[str, Any], page: AnalysisPage, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "analysis/edit.html",
        {**context, "page": page, "summary": page.error_summary()},
        status=status,
    )
