"""The landing page of a secure link and its one-time code.

Every token that does not work gets the same page with the same status, whatever the
reason, so the answer never says whether a request or a case exists.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cdop.core.errors import DomainError
from cdop.core.ratelimit import client_address, rate_limit
from cdop.securelinks import services
from cdop.securelinks.decorators import (
    SESSION_PENDING,
    protect,
    session_forget,
    session_hold,
)
from cdop.securelinks.forms import CodeForm
from cdop.securelinks.models import SecureLink
from cdop.securelinks.services import OtpResult

START_PAGES = {
    SecureLink.Purpose.AGENCY_FORM: "agencyforms_respond:start",
    SecureLink.Purpose.FAMILY_VOICE: "familyvoice_public:start",
}
# A new code no sooner than this after the last one (each code is an email to a person).
_RESEND_AFTER_SECONDS = 60


def _landing_rate() -> str:
    return str(getattr(settings, "SECURE_LINK_RATE_LIMIT", "30/10m"))


def _code_rate() -> str:
    return str(getattr(settings, "SECURE_LINK_CODE_RATE_LIMIT", "20/10m"))


def link_not_working(request: HttpRequest) -> HttpResponse:
    """The one page for any link that does not work (never existed, mistyped, expired,
    withdrawn, used, or opened on the wrong kind of page)."""
    # Shown at the address that holds the token: no referrer at all.
    return protect(
        render(request, "securelinks/not_working.html", status=404), referrer="no-referrer"
    )


def link_timed_out(request: HttpRequest) -> HttpResponse:
    return protect(
        render(
            request,
            "securelinks/timed_out.html",
            {"minutes": int(getattr(settings, "SECURE_LINK_IDLE_MINUTES", 60))},
            status=401,
        )
    )


def _link_locked(request: HttpRequest) -> HttpResponse:
    return protect(render(request, "securelinks/locked.html", status=403))


def _start(link: SecureLink) -> HttpResponse:
    return redirect(START_PAGES[SecureLink.Purpose(link.purpose)])


@rate_limit(group="securelink_land", rate=_landing_rate, methods=("GET", "POST", "HEAD"))
@require_http_methods(["GET", "HEAD"])
def land(request: HttpRequest, token: str) -> HttpResponse:
    """Swap the token for the link in a fresh session and redirect, so the token leaves the
    address bar (and never reaches another site in a Referer)."""
    link = services.securelink_check(token=token)
    if link is None:
        services.securelink_log_failure(token=token, address=client_address(request))
        return link_not_working(request)
    if request.method == "HEAD":
        # Mail scanners check links with HEAD: answer as a GET would, but neither count an
        # opening nor send a code.
        return protect(
            _start(link) if not link.otp_required else redirect("securelinks:code"),
            referrer="no-referrer",
        )
    request.session.cycle_key()  # a new session key once a link is held: no fixation
    session_forget(request)
    if link.otp_required:
        request.session[SESSION_PENDING] = link.pk
        if not services.securelink_otp_live(link):
            services.securelink_otp_send(link=link)
        return protect(redirect("securelinks:code"), referrer="no-referrer")
    session_hold(request, link)
    services.securelink_open(link=link)
    return protect(_start(link), referrer="no-referrer")


def _pending_link(request: HttpRequest) -> SecureLink | None:
    link_id = request.session.get(SESSION_PENDING)
    if link_id is None:
        return None
    return SecureLink.objects.filter(pk=link_id).first()


@rate_limit(group="securelink_code", rate=_code_rate, methods=("POST",))
@require_http_methods(["GET", "HEAD", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    link = _pending_link(request)
    if link is None:
        return link_not_working(request)
    if link.otp_attempts >= services.otp_attempts_allowed():
        return _link_locked(request)
    if not services.securelink_is_live(link):
        session_forget(request)
        return link_not_working(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = services.securelink_otp_verify(link=link, code=form.cleaned_data["code"])
            if result == OtpResult.OK:
                request.session.cycle_key()
                session_hold(request, link)
                services.securelink_open(link=link)
                return protect(_start(link))
            if result == OtpResult.LOCKED:
                session_forget(request)
                return _link_locked(request)
            if result == OtpResult.EXPIRED:
                form.add_error(
                    "code",
                    "The security code has expired. Ask for a new code below, then type the "
                    "new one",
                )
            else:
                left = services.otp_attempts_allowed() - link.otp_attempts
                form.add_error(
                    "code",
                    "The security code is not right. Check the email and type the 6 numbers "
                    f"again ({left} {'try' if left == 1 else 'tries'} left)",
                )
        status = 400
    return protect(
        render(
            request,
            "securelinks/code.html",
            {
                "form": form,
                "minutes": services.otp_minutes(),
                "sent_just_now": request.session.pop("securelink_code_sent", False),
            },
            status=status,
        )
    )


@rate_limit(group="securelink_code", rate=_code_rate, methods=("POST",))
@require_POST
def code_resend(request: HttpRequest) -> HttpResponse:
    link = _pending_link(request)
    if link is None or not services.securelink_is_live(link):
        return link_not_working(request)
    sent_at = (
        link.otp_expires_at.timestamp() - services.otp_minutes() * 60 if link.otp_expires_at else 0
    )
    if time.time() - sent_at >= _RESEND_AFTER_SECONDS:
        try:
            services.securelink_otp_send(link=link)
        except DomainError:
            return link_not_working(request)
    request.session["securelink_code_sent"] = True
    return protect(redirect("securelinks:code"))
