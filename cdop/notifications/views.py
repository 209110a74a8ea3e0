"""Staff pages for notifications: the triage queue and each notification."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.services import case_open_from_notification
from cdop.core.errors import DomainError
from cdop.notifications.duplicates import duplicate_candidates
from cdop.notifications.forms import QueueFilterForm
from cdop.notifications.models import Notification
from cdop.notifications.presenters import queue_rows
from cdop.notifications.selectors import (
    notification_get_for_user,
    notification_jar_tasks,
    notification_queue_page,
    notification_triage_rows,
)
from cdop.transfers.forms import UndoAdditionForm
from cdop.transfers.pdf import notification_answers
from cdop.transfers.selectors import case_additions_of, transfers_of
from cdop.transfers.services import (
    can_undo_case_addition,
    notification_add_to_case,
    notification_undo_add_to_case,
)

# The triage queue in pages, oldest first: each row carries a duplicate hint, which compares
# it with the notifications and cases sharing its details, so a page's cost is its length.
QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not permissions.area_ids_with_roles(request.user, permissions.AREA_CASE_READERS):
        raise Http404
    # Nothing is shown from the form's widgets (the filter is a list of links): no dressing.
    form = QueueFilterForm(request.GET, for_rendering=False)
    status = form.chosen_status()
    page, notifications = notification_queue_page(
        user=request.user,  # type: ignore[arg-type]
        status=status,
        number=request.GET.get("page"),
        size=QUEUE_PAGE_SIZE,
    )
    return render(
        request,
        "notifications/queue.html",
        {
            "rows": queue_rows(notification_triage_rows(notifications=notifications)),
            "page": page,
            "form": form,
            "status": status,
            "statuses": Notification.Status.choices,
        },
    )


def _shared_answers(notification: Notification) -> list[dict[str, Any]] | None:
    """The sections of the shared summary of every answer (notifications/_answers.html, the
    same as the public check-your-answers page), or None while it does not exist; the page
    then shows the answers itself."""
    try:
        get_template("notifications/_answers.html")
        from cdop.notifications.forms import notification_values, summary_sections
    except (TemplateDoesNotExist, ImportError):
        return None
    sections: list[dict[str, Any]] = summary_sections(notification_values(notification))
    return sections


def _detail_context(
    request: HttpRequest, notification: Notification, undo_form: UndoAdditionForm | None = None
) -> dict[str, object]:
    user = request.user
    is_new = notification.status == Notification.Status.NEW
    sections = _shared_answers(notification)
    return {
        "notification": notification,
        "triage": notification_triage_rows(notifications=[notification])[0],
        "candidates": duplicate_candidates(notification=notification) if is_new else [],
        "jar_tasks": notification_jar_tasks(notification=notification),
        "transfers": transfers_of(notification=notification),
        "additions": case_additions_of(notification=notification),
        "can_triage": permissions.can_triage_notification(user, notification),
        "can_undo": can_undo_case_addition(user, notification),  # type: ignore[arg-type]
        "undo_form": undo_form or UndoAdditionForm(),
        "sections": sections,
        "answers": notification_answers(notification) if sections is None else [],
        "now": timezone.now(),
        # The residence page belongs to cdop.areas (residence_override); its address is fixed.
        "residence_url": f"{notification.get_absolute_url()}residence/",
    }


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    audit_read(obj=notification)
    return render(request, "notifications/detail.html", _detail_context(request, notification))


@login_required
@require_POST
def open_case(request: HttpRequest, reference: str) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    try:
        case = case_open_from_notification(notification=notification, by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(notification.get_absolute_url())
    messages.success(request, f"Case {case.reference} is open.")
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def add_to_case(request: HttpRequest, reference: str) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    case = Case.objects.filter(
        reference=request.POST.get("case", "").strip().upper(), area_id=notification.area_id
    ).first()
    if case is None:
        messages.error(request, "That case could not be found in this area. Choose a case below.")
        return redirect(notification.get_absolute_url())
    try:
        notification_add_to_case(notification=notification, case=case, by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(notification.get_absolute_url())
    messages.success(
        request,
        f"Notification {notification.reference} is added to case {case.reference}. "
        "Its notifier is listed on the case.",
    )
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def undo_add_to_case(request: HttpRequest, reference: str) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    form = UndoAdditionForm(request.POST)
    if form.is_valid():
        try:
            notification_undo_add_to_case(
                notification=notification,
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            if error.field != "reason":
                messages.error(request, error.message)
                return redirect(notification.get_absolute_url())
            form.add_error("reason", error.message)
        else:
            messages.success(
                request, f"Notification {notification.reference} is new again, in the queue."
            )
            return redirect(notification.get_absolute_url())
    context = _detail_context(request, notification, undo_form=form)
    return render(request, "notifications/detail.html", context, status=400)
