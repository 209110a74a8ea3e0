"""Transfer pages: staff send a notification elsewhere; a receiving panel downloads its pack."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cdop.accounts import permissions
from cdop.core.errors import DomainError
from cdop.notifications.models import Notification
from cdop.notifications.selectors import notification_get_for_user
from cdop.transfers import services
from cdop.transfers.forms import TransferInsideForm, TransferOutsideForm
from cdop.transfers.selectors import transfer_get_for_user

# --- Staff ----------------------------------------------------------------------------------


def _transfer_page(
    request: HttpRequest,
    notification: Notification,
    inside: TransferInsideForm | None = None,
    outside: TransferOutsideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    areas = services.transfer_areas_for(notification=notification)
    return render(
        request,
        "transfers/transfer.html",
        {
            "notification": notification,
            "inside": inside or TransferInsideForm(areas=areas, auto_id="inside_%s"),
            "outside": outside or TransferOutsideForm(auto_id="outside_%s"),
            "has_areas": bool(areas),
            "failed": inside or outside,
            "link_days": services.transfer_link_days(),
        },
        status=status,
    )


def _get_triageable(request: HttpRequest, reference: str) -> Notification:
    notification = notification_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if not permissions.can_triage_notification(request.user, notification):
        messages.error(request, "Your role does not allow you to transfer notifications.")
        raise _RefusedError(notification)
    return notification


class _RefusedError(Exception):
    def __init__(self, notification: Notification) -> None:
        self.notification = notification


@login_required
def transfer(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        notification = _get_triageable(request, reference)
    except _RefusedError as refused:
        return redirect(refused.notification.get_absolute_url())
    return _transfer_page(request, notification)


@login_required
@require_POST
def transfer_inside(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        notification = _get_triageable(request, reference)
    except _RefusedError as refused:
        return redirect(refused.notification.get_absolute_url())
    areas = services.transfer_areas_for(notification=notification)
    form = TransferInsideForm(request.POST, areas=areas, auto_id="inside_%s")
    if form.is_valid():
        try:
            record = services.notification_transfer_inside(
                notification=notification,
                to_area=form.cleaned_data["to_area"],
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Notification {notification.reference} is transferred to "
                f"{record.to_area}. Their team has been emailed.",
            )
            return redirect("notifications:queue")
    return _transfer_page(request, notification, inside=form, status=400)


@login_required
@require_POST
def transfer_outside(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        notification = _get_triageable(request, reference)
    except _RefusedError as refused:
        return redirect(refused.notification.get_absolute_url())
    form = TransferOutsideForm(request.POST, auto_id="outside_%s")
    if form.is_valid():
        try:
            result = services.notification_transfer_outside(
                notification=notification,
                by=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _say_emailed(request, result, f"Notification {notification.reference} is transferred.")
            return redirect(notification.get_absolute_url())
    return _transfer_page(request, notification, outside=form, status=400)


def _say_emailed(request: HttpRequest, result: services.OutsideTransfer, done: str) -> None:
    if result.emailed:
        messages.success(
            request,
            f"{done} A link to the transfer pack was emailed to {result.record.panel_email}.",
        )
    else:
        messages.error(
            request,
            f"{done} The email with the link could not be sent. Try “Send a new link” later.",
        )


@login_required
@require_POST
def link_renew(request: HttpRequest, pk: int) -> HttpResponse:
    record = transfer_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    try:
        result = services.transfer_link_renew(record=record, by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _say_emailed(request, result, "A new link is made; the old one no longer works.")
    return redirect(record.notification.get_absolute_url())


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = transfer_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    try:
        services.transfer_link_revoke(record=record, by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The link is withdrawn: it no longer works.")
    return redirect(record.notification.get_absolute_url())


# --- The receiving panel (no account) ------------------------------------------------------


def _download_rate(group: str, request: HttpRequest) -> str:
    return str(getattr(settings, "TRANSFER_DOWNLOAD_RATE_LIMIT", "20/h"))


def _link_not_working(request: HttpRequest) -> HttpResponse:
    # The same page and status for a token that never existed, was used, expired or was
    # withdrawn: the answer tells a guesser nothing.
    return render(
        request,
        "transfers/pack_unavailable.html",
        {"link_days": services.transfer_link_days()},
        status=404,
    )


@ratelimit(key="ip", rate=_download_rate, method=ratelimit.ALL, block=True)  # type: ignore[untyped-decorator]
def pack_download(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST uses the link up. Mail scanners that open links
    ahead of the reader would otherwise spend it."""
    ip_address = request.META.get("REMOTE_ADDR") or None
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if len(token) > 100:
        token = token[:100]
    if request.method == "POST":
        pack = services.transfer_pack_download(
            token=token, ip_address=ip_address, user_agent=user_agent
        )
        if pack is None:
            return _link_not_working(request)
        response = HttpResponse(pack.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
        return response
    if not services.transfer_pack_check(token=token, ip_address=ip_address, user_agent=user_agent):
        return _link_not_working(request)
    return render(request, "transfers/pack_download.html")
