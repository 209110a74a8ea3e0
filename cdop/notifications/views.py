from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cdop.accounts import permissions
from cdop.areas.selectors import area_get_public
from cdop.audit.services import audit_read
from cdop.cases.services import case_open_from_notification
from cdop.core.errors import DomainError
from cdop.notifications.forms import NotificationForm
from cdop.notifications.models import Notification
from cdop.notifications.selectors import notification_get_for_user, notification_queue_for_user
from cdop.notifications.services import NotificationDetails, notification_submit

_DONE_KEY = "cdop_notified"


@ratelimit(  # type: ignore[untyped-decorator]
    key="ip", rate=lambda group, request: settings.NOTIFY_RATE_LIMIT, method="POST", block=True
)
def notify(request: HttpRequest, area_slug: str) -> HttpResponse:
    """The public notification form: no account needed."""
    area = area_get_public(slug=area_slug)
    request.public_area = area  # type: ignore[attr-defined]
    if request.method == "POST":
        form = NotificationForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            token = data.pop("submission_token")
            notification, _ = notification_submit(
                area=area, submission_token=token, details=NotificationDetails(**data)
            )
            # The reference is shown from the session, so it never appears in a web address.
            request.session[_DONE_KEY] = notification.reference
            return redirect("notify:done", area.slug)
    else:
        form = NotificationForm(initial={"submission_token": uuid.uuid4()})
    return render(request, "notifications/notify.html", {"area": area, "form": form})


def notify_done(request: HttpRequest, area_slug: str) -> HttpResponse:
    area = area_get_public(slug=area_slug)
    request.public_area = area  # type: ignore[attr-defined]
    reference = request.session.get(_DONE_KEY)
    if not reference:
        return redirect("notify:form", area.slug)
    return render(request, "notifications/notify_done.html", {"area": area, "reference": reference})


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
