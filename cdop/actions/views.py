"""Actions' pages: the tracker (/staff/actions/), one action, the case's actions and the
family feedback (/staff/cases/<reference>/actions/), and the chair's pages on a meeting's
agenda item (/staff/meetings/<m>/items/<i>/actions/), which show the item's label only."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any, cast

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.actions import feedback, selectors, services
from cdop.actions.forms import (
    ActionForm,
    EscalationForm,
    EscalationReplyForm,
    FamilyFeedbackForm,
    StatusForm,
    TrackerFilterForm,
)
from cdop.actions.models import Action, ActionStatus
from cdop.actions.presenters import tracker_rows_html
from cdop.audit.services import audit_actor, audit_read
from cdop.cases.models import Case
from cdop.cases.presenters import csv_cell
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.core.forms import field_options_html

PAGE_SIZE = 50
FIRST_YEAR = 2019  # the first year of the national data set's current forms


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _apply_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- The tracker ---------------------------------------------------------------------------


def _tracker_form(request: HttpRequest, user: User) -> TrackerFilterForm:
    areas = permissions.area_ids_with_roles(user, permissions.ACTION_TRACKER_READERS)
    this_year = timezone.localdate().year
    form = TrackerFilterForm(
        request.GET or None,
        organisations=selectors.organisation_choices(area_ids=areas),
        years=list(range(this_year, FIRST_YEAR - 1, -1)),
    )
    form.is_valid()
    return form


def _tracker_filters(form: TrackerFilterForm) -> selectors.TrackerFilters:
    return selectors.TrackerFilters(
        status=form.value("status") or "",
        organisation_id=form.value("organisation"),
        overdue=bool(form.value("overdue")),
        year=form.value("year"),
        q=(form.value("q") or "").strip(),
    )


@login_required
def tracker(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    if not permissions.can_view_action_tracker(user):
        raise Http404
    form = _tracker_form(request, user)
    filters = _tracker_filters(form)
    actions = selectors.action_tracker_for_user(user=user, filters=filters)
    if request.GET.get("format") == "csv":
        return _tracker_csv(request, user, actions)
    page, page_rows = selectors.tracker_page(
        actions,
        number=request.GET.get("page"),
        size=PAGE_SIZE,
        # Unfiltered, the count of every action of the user's areas is kept a while.
        count=selectors.tracker_count_kept(user=user)
        if filters == selectors.TrackerFilters()
        else None,
    )
    today = timezone.localdate()
    rows = [
        {**row, "overdue": row["status"] in ("open", "in_progress") and row["due_on"] < today}
        for row in page_rows
    ]
    query = {k: str(v) for k, v in request.GET.items() if k not in {"page", "format"} and v}
    return render(
        request,
        "actions/tracker.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "rows_html": tracker_rows_html(rows),
            # "Any status" shows as chosen when it was sent; "All organisations" and "Any
            # year" never do (as the template wrote them).
            "status_options": field_options_html(form, "status", blank_can_be_chosen=True),
            "organisation_options": field_options_html(form, "organisation"),
            "year_options": field_options_html(form, "year"),
            "status_labels": dict(ActionStatus.choices),
            "csv_query": urlencode({**query, "format": "csv"}),
            "filtered": bool(query),
        },
    )


CSV_HEADER = (
    "Action",
    "Case",
    "What is to be done",
    "Theme",
    "Owner",
    "Owner's email",
    "Due",
    "Status",
    "Closed",
    "Evidence",
    "Agreed",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def tracker_csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV, a line at a time; every text cell made inert for spreadsheets."""
    writer = csv.writer(_Echo())
    labels = dict(ActionStatus.choices)
    yield writer.writerow(CSV_HEADER)
    for row in rows:
        owner = row["owner_organisation__name"] or row["owner_name"]
        yield writer.writerow(
            [
                f"ACT-{row['pk']:05d}",
                csv_cell(row["case__reference"]),
                csv_cell(row["description"]),
                csv_cell(row["category"]),
                csv_cell(owner),
                csv_cell(row["owner_email"]),
                row["due_on"].isoformat(),
                labels.get(row["status"], row["status"]),
                row["closed_on"].isoformat() if row["closed_on"] else "",
                csv_cell(row["evidence"]),
                timezone.localtime(row["created_at"]).date().isoformat(),
            ]
        )


def _tracker_csv(request: HttpRequest, user: User, actions: Any) -> StreamingHttpResponse:
    rows = selectors.tracker_rows(actions)
    terms = {k: v for k, v in request.GET.items() if k not in {"page", "format"} and v}
    count = rows.count()
    content_type = ContentType.objects.get_for_model(Action)
    # One entry per area the export covered, so each area's administrators see it.
    with audit_actor(user), transaction.atomic():
        for area_id in permissions.area_ids_with_roles(user, permissions.ACTION_TRACKER_READERS):
            LogEntry.objects.create(
                content_type=content_type,
                object_pk="",
                object_repr="action tracker export",
                action=LogEntry.Action.ACCESS,
                actor=user,
                additional_data={
                    "export": "action_tracker",
                    "filters": terms,
                    "results": count,
                    "area_id": area_id,
                },
            )
    response = StreamingHttpResponse(
        tracker_csv_lines(rows.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="actions-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- One action ------------------------------------------------------------------------------


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = selectors.action_get_for_user(user=user, pk=pk)
    audit_read(obj=action)
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "case": action.case,
            "history": selectors.action_history(action=action),
            "reminders": selectors.action_reminders(action=action),
            "can_manage": permissions.can_manage_actions(user, action.case),
            "overdue": not action.is_closed and action.due_on < timezone.localdate(),
        },
    )


def _action_form(request: HttpRequest, case: Case, **kwargs: Any) -> ActionForm:
    return ActionForm(
        _data(request),
        organisations=selectors.organisation_choices(area_ids=[case.area_id]),
        recommendations=selectors.recommendation_choices(case=case),
        **kwargs,
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = selectors.action_get_for_user(user=user, pk=pk)
    if not permissions.can_manage_actions(user, action.case):
        raise Http404
    initial = {
        "recommendation": action.recommendation_id,
        "description": action.description,
        "category": action.category,
        "owner_organisation": action.owner_organisation_id,
        "owner_name": action.owner_name,
        "owner_email": action.owner_email,
        "due_on": action.due_on,
    }
    form = _action_form(request, action.case, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.action_update(action=action, by=user, details=form.details())
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"Action {action.number} updated.")
                return redirect("actions:detail", pk=action.pk)
        status = 400
    return render(
        request,
        "actions/form.html",
        {
            "form": form,
            "title": f"Change action {action.number}",
            "back": reverse("actions:detail", kwargs={"pk": action.pk}),
            "caption": f"Case {action.case.reference}",
            "multipart": False,
        },
        status=status,
    )


@login_required
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = selectors.action_get_for_user(user=user, pk=pk)
    if not permissions.can_manage_actions(user, action.case):
        raise Http404
    form = StatusForm(_data(request), request.FILES if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                services.action_status_change(
                    action=action,
                    by=user,
                    to_status=form.cleaned_data["status"],
                    reason=form.cleaned_data.get("reason") or "",
                    evidence=form.cleaned_data.get("evidence") or "",
                    file=upload,
                    filename=upload.name if upload else "",
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"Action {action.number}: status changed.")
                return redirect("actions:detail", pk=action.pk)
        status = 400
    return render(
        request,
        "actions/form.html",
        {
            "form": form,
            "title": f"Change the status of action {action.number}",
            "back": reverse("actions:detail", kwargs={"pk": action.pk}),
            "caption": f"Now: {action.get_status_display()}",
            "multipart": True,
        },
        status=status,
    )


# --- On the case -----------------------------------------------------------------------------


@login_required
def case_actions(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_get_for_user(user=user, reference=reference)
    audit_read(obj=case)
    return render(
        request,
        "actions/case.html",
        {
            "case": case,
            "actions": selectors.actions_for_case(case=case),
            "feedback": selectors.family_feedback_for_case(case=case),
            "feedback_task": feedback.feedback_open_task(case=case),
            "reviewed": case.status in feedback.REVIEWED,
            "can_manage": permissions.can_manage_actions(user, case),
            "can_work": permissions.can_follow_up_case(user, case),
            "can_read_actions": bool(
                permissions.roles_in_area(user, case.area_id) & permissions.ACTION_TRACKER_READERS
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
def case_action_add(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_get_for_user(user=user, reference=reference)
    if not permissions.can_manage_actions(user, case):
        raise Http404
    form = _action_form(request, case)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action = services.action_create(case=case, by=user, details=form.details())
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"Action {action.number} added.")
                return redirect("actions_case:list", reference=case.reference)
        status = 400
    return render(
        request,
        "actions/form.html",
        {
            "form": form,
            "title": "Add an action",
            "back": reverse("actions_case:list", kwargs={"reference": case.reference}),
            "caption": f"Case {case.reference}: {case.child_name}",
            "multipart": False,
        },
        status=status,
    )


@login_required
def family_feedback(request: HttpRequest, reference: str) -> HttpResponse:
    from cdop.family.models import LetterKind

    user = _user(request)
    case = case_get_for_user(user=user, reference=reference)
    if not permissions.can_follow_up_case(user, case):
        raise Http404
    audit_read(obj=case)
    letters = [
        (pk, f"{title}, made on {timezone.localtime(at):%-d %B %Y}")
        for pk, title, at in case.family_letters.filter(kind=LetterKind.REVIEW_OUTCOME)
        .order_by("-produced_at", "-pk")
        .values_list("pk", "title", "produced_at")
    ]
    form = FamilyFeedbackForm(_data(request), letters=letters)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            letter = (
                case.family_letters.filter(pk=data["letter"]).first() if data["letter"] else None
            )
            try:
                feedback.family_feedback_record(
                    case=case,
                    by=user,
                    told_on=data["told_on"],
                    method=data["method"],
                    note=data.get("note") or "",
                    letter=letter,
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, "Recorded: the family were told the outcome.")
                return redirect("actions_case:list", reference=case.reference)
        status = 400
    return render(
        request,
        "actions/family_feedback.html",
        {
            "case": case,
            "form": form,
            "task": feedback.feedback_open_task(case=case),
            "reviewed": case.status in feedback.REVIEWED,
        },
        status=status,
    )


# --- From a meeting's agenda item (the chair) ------------------------------------------------


def _item(request: HttpRequest, meeting_id: int, item_id: int) -> Any:
    from cdop.meetings.selectors import agenda_item_get_for_user

    return agenda_item_get_for_user(user=_user(request), meeting_id=meeting_id, item_id=item_id)


def _item_url(item: Any) -> str:
    return reverse(
        "actions_meeting:list", kwargs={"meeting_id": item.meeting_id, "item_id": item.pk}
    )


@login_required
def item_actions(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """The actions and escalations agreed for this agenda item's case: shown with the item's
    anonymised label, never the child's name or the case reference."""
    item = _item(request, meeting_id, item_id)
    audit_read(obj=item)
    return render(
        request,
        "actions/item.html",
        {
            "item": item,
            "meeting": item.meeting,
            "actions": selectors.actions_for_case(case=item.case),
            "escalations": selectors.panel_escalations_for_case(case=item.case),
            "can_record": permissions.can_record_meeting(_user(request), item.meeting),
            "today": timezone.localdate(),
        },
    )


def _item_recorder(request: HttpRequest, meeting_id: int, item_id: int) -> Any:
    item = _item(request, meeting_id, item_id)
    if not permissions.can_record_meeting(_user(request), item.meeting):
        raise Http404
    return item


@login_required
def item_action_add(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = _item_recorder(request, meeting_id, item_id)
    user = _user(request)
    form = _action_form(request, item.case)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action = services.action_create(
                    case=item.case, by=user, details=form.details(), agenda_item_id=item.pk
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"Action {action.number} added.")
                return redirect(_item_url(item))
        status = 400
    return render(
        request,
        "actions/form.html",
        {
            "form": form,
            "title": "Add an action",
            "back": _item_url(item),
            "caption": f"{item.meeting.title}: {item.label}",
            "multipart": False,
        },
        status=status,
    )


@login_required
def item_escalate(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = _item_recorder(request, meeting_id, item_id)
    form = EscalationForm(_data(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.escalation_record(
                    case=item.case,
                    by=_user(request),
                    agenda_item_id=item.pk,
                    details=form.details(),
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, "Escalation to the Partnership recorded.")
                return redirect(_item_url(item))
        status = 400
    return render(
        request,
        "actions/form.html",
        {
            "form": form,
            "title": "Record an escalation to the Safeguarding Children Partnership",
            "back": _item_url(item),
            "caption": f"{item.meeting.title}: {item.label}",
            "multipart": False,
        },
        status=status,
    )


@login_required
def item_escalation_reply(
    request: HttpRequest, meeting_id: int, item_id: int, pk: int
) -> HttpResponse:
    item = _item_recorder(request, meeting_id, item_id)
    referral = next(
        (r for r in selectors.panel_escalations_for_case(case=item.case) if r.pk == pk), None
    )
    if referral is None:
        raise Http404
    initial = {"reply": referral.decision, "replied_on": referral.decision_on}
    form = EscalationReplyForm(_data(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.escalation_reply_record(
                    referral=referral,
                    by=_user(request),
                    agenda_item_id=item.pk,
                    reply=form.cleaned_data["reply"],
                    replied_on=form.cleaned_data["replied_on"],
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, "The Partnership's reply recorded.")
                return redirect(_item_url(item))
        status = 400
    return render(
        request,
        "actions/form.html",
        {
            "form": form,
            "title": "Record the Partnership's reply",
            "back": _item_url(item),
            "caption": f"{item.meeting.title}: {item.label}",
            "multipart": False,
        },
        status=status,
    )
