"""Staff pages for notifications: the triage queue and each notification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.audit.services import audit_read
from cdop.cases.services import case_open_from_notification
from cdop.core.errors import DomainError
from cdop.notifications.models import Notification
from cdop.notifications.selectors import notification_get_for_user, notification_queue_for_user


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not permissions.area_ids_with_roles(request.user, permissions.CASE_READERS):
        raise Http404
    status = request.GET.get("status", "new")
    if status not in Notification.Status.values:
        status = "new"
    notifications = notification_queue_for_user(user=request.user, status=status)  # type: ignore[arg-type]
    return render(
        request,
        "notifications/queue.html",
        {
            "notifications": notifications[:200],
            "status": status,
            "statuses": Notification.Status.choices,
        },
    )


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    audit_read(obj=notification)
    return render(request, "notifications/detail.html", {"notification": notification})


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
