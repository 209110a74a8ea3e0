"""The public side of notification: the form any professional uses, no account needed.

A start page, five short question pages, check your answers, then the confirmation. The
answers are kept in a NotificationDraft opened by a cookie of this browser, so they survive a
reload, the back button and the browser being closed, for a day.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cdop.areas.models import Area
from cdop.areas.selectors import area_get_public
from cdop.core.ratelimit import rate_limit, rate_limit_of
from cdop.core.urls_cache import cached_reverse
from cdop.notifications.forms import (
    PAGES,
    PAGES_BY_SLUG,
    cross_page_answers,
    details_from_answers,
    draft_check,
    draft_check_saved,
    summary_sections,
)
from cdop.notifications.models import Notification, NotificationDraft
from cdop.notifications.pdf import notification_pdf
from cdop.notifications.services import (
    notification_copy_claim,
    notification_draft_delete,
    notification_draft_get_public,
    notification_draft_save_page,
    notification_draft_start,
    notification_reference_new,
    notification_submit,
)

logger = logging.getLogger(__name__)

DRAFT_COOKIE = "cdop_notify_draft"
# The confirmation travels in a signed cookie rather than the session, so that sending does
# not also create a session row: "reference|id", the id of the notification whose PDF copy
# this browser may download (empty when there is none).
_NOTIFIED_COOKIE = "cdop_notified"
_NOTIFIED_SALT = "cdop.notifications.notified"
_NOTIFIED_MAX_AGE = 60 * 60


# Every POST of the form, on any page, counts towards one limit per address.
_RATE_GROUP = "notify"
_rate_limited = rate_limit(group=_RATE_GROUP, rate=lambda: str(settings.NOTIFY_RATE_LIMIT))


def _area(request: HttpRequest, area_slug: str) -> Area:
    area = area_get_public(slug=area_slug)
    request.public_area = area  # type: ignore[attr-defined]
    return area


def _area_and_draft(request: HttpRequest, area_slug: str) -> tuple[Area, NotificationDraft | None]:
    """The area in the address and this browser's draft for it: one query when there is a
    draft (every page after the first), else the area's own (404 if there is none)."""
    draft = notification_draft_get_public(
        key=request.COOKIES.get(DRAFT_COOKIE, ""), area_slug=area_slug
    )
    if draft is None:
        return _area(request, area_slug), None
    request.public_area = draft.area  # type: ignore[attr-defined]
    return draft.area, draft


def _private(response: HttpResponse) -> HttpResponse:
    """The pages show what was typed about a child: no browser or proxy may keep them."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


def _remember(response: HttpResponse, key: str, draft: NotificationDraft) -> None:
    # Not the session cookie: sessions end when the browser closes, drafts last a day.
    response.set_cookie(
        DRAFT_COOKIE,
        key,
        max_age=max(0, int((draft.expires_at - timezone.now()).total_seconds())),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def _forget(response: HttpResponse) -> None:
    response.delete_cookie(DRAFT_COOKIE, samesite="Lax")


def _page_url(area: Area, slug: str) -> str:
    return cached_reverse("notify:page", area.slug, slug)


@require_GET
@ensure_csrf_cookie  # the start page's "Start again" form, and the pages after it
def notify_start(request: HttpRequest, area_slug: str) -> HttpResponse:
    """The start page; offers to carry on with answers this browser saved earlier."""
    area, draft = _area_and_draft(request, area_slug)
    resume_url = ""
    if draft is not None and draft.data:
        _, missing = draft_check(draft.data)
        resume_url = (
            _page_url(area, missing) if missing else reverse("notify:check", args=[area.slug])
        )
    context = {
        "area": area,
        "first_page_url": _page_url(area, PAGES[0].slug),
        "resume_url": resume_url,
        "draft_expires_at": draft.expires_at if draft else None,
    }
    return _private(render(request, "notifications/notify.html", context))


@_rate_limited
@require_http_methods(["GET", "POST"])
def notify_page(request: HttpRequest, area_slug: str, page_slug: str) -> HttpResponse:
    """One page of questions. A valid answer is kept in the draft; an error shows the page
    again with everything typed."""
    page = PAGES_BY_SLUG.get(page_slug)
    if page is None:
        _area(request, area_slug)  # an unknown area is "not found" too
        raise Http404("No such page")
    area, draft = _area_and_draft(request, area_slug)
    data: dict[str, Any] = draft.data if draft is not None else {}
    own = page.form_class.base_fields
    answers = {k: v for k, v in cross_page_answers(data).items() if k not in own}
    returning = request.GET.get("return") == "check" or request.POST.get("return") == "check"
    index = PAGES.index(page)

    if request.method == "POST":
        if page.slug == "child" and request.POST.get("out_of_scope") == "yes":
            if draft is not None and "child" in draft.data:
                # Kept in case it was a slip, but the draft cannot be sent with this answer.
                notification_draft_save_page(
                    draft=draft, page="child", answers={**data["child"], "out_of_scope": "yes"}
                )
            return _private(redirect("notify:not_here", area.slug))
        form = page.form_class(request.POST, answers=answers)
        if form.is_valid():
            key = ""
            if draft is None:
                draft, key = notification_draft_start(area=area)
            posted = {name: request.POST.get(name, "") for name in page.form_class.data_keys()}
            notification_draft_save_page(
                draft=draft,
                page=page.slug,
                answers=posted,
                cleaned=form.cleaned_data,
                spam=form.is_spam,
            )
            if returning or index == len(PAGES) - 1:
                response = HttpResponseRedirect(cached_reverse("notify:check", area.slug))
            else:
                response = HttpResponseRedirect(_page_url(area, PAGES[index + 1].slug))
            if key:
                _remember(response, key, draft)
            return _private(response)
    else:
        stored = data.get(page.slug)
        # Bound to what was kept, so the page shows it (and any answer another page's
        # change has made wrong); unbound the first time.
        form = (
            page.form_class(stored, answers=answers) if stored else page.form_class(answers=answers)
        )

    if returning:
        back_url = reverse("notify:check", args=[area.slug])
    elif index == 0:
        back_url = reverse("notify:form", args=[area.slug])
    else:
        back_url = _page_url(area, PAGES[index - 1].slug)
    context = {
        "area": area,
        "page": page,
        "form": form,
        "number": index + 1,
        "count": len(PAGES),
        "returning": returning,
        "back_url": back_url,
    }
    return _private(render(request, "notifications/notify_page.html", context))


def notify_not_here(request: HttpRequest, area_slug: str) -> HttpResponse:
    """Stillbirths, late foetal losses and terminations are reviewed elsewhere."""
    area = _area(request, area_slug)
    return _private(render(request, "notifications/public_not_notified_here.html", {"area": area}))


@_rate_limited
@require_POST
def notify_start_again(request: HttpRequest, area_slug: str) -> HttpResponse:
    area, draft = _area_and_draft(request, area_slug)
    if draft is not None:
        notification_draft_delete(draft=draft)
    response = redirect("notify:form", area.slug)
    _forget(response)
    return _private(response)


def _notified(request: HttpRequest) -> tuple[str, int | None]:
    """(reference, id of the notification this browser may copy) from the signed cookie."""
    value = request.get_signed_cookie(
        _NOTIFIED_COOKIE, default="", salt=_NOTIFIED_SALT, max_age=_NOTIFIED_MAX_AGE
    )
    reference, _, pk = (value or "").partition("|")
    return reference, int(pk) if pk.isdigit() else None


def _done(
    request: HttpRequest, area: Area, reference: str, copy_pk: int | None = None
) -> HttpResponse:
    # The reference is shown from a cookie, so it never appears in a web address.
    previous_reference, previous_pk = _notified(request)
    if copy_pk is None and previous_reference == reference:
        copy_pk = previous_pk  # a second click keeps the copy for the browser that sent it
    response = HttpResponseRedirect(cached_reverse("notify:done", area.slug))
    response.set_signed_cookie(
        _NOTIFIED_COOKIE,
        f"{reference}|{copy_pk or ''}",
        salt=_NOTIFIED_SALT,
        max_age=_NOTIFIED_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    _forget(response)
    return _private(response)


@require_http_methods(["GET", "POST"])
def notify_check(request: HttpRequest, area_slug: str) -> HttpResponse:
    """Check your answers, then send. Sending twice (a double click, a retry, the back
    button) stores one notification and shows the same reference.

    Every POST counts towards the form's limit, as on the other pages; a send counts in the
    notification's own transaction, so that it takes one write transaction, not two.
    """
    limit = None
    if request.method == "POST":
        limit = rate_limit_of(request, group=_RATE_GROUP, rate=str(settings.NOTIFY_RATE_LIMIT))
    area, draft = _area_and_draft(request, area_slug)
    if draft is None:
        if limit is not None:
            limit.count()
            # Already sent from this page: the draft went when the notification was stored.
            token = request.POST.get("submission_token", "")
            sent = _notification_by_token(token, area)
            if sent is not None:
                return _done(request, area, sent.reference)
        return _private(redirect("notify:form", area.slug))
    checked = None
    if limit is not None:
        # Sending: trust each page as its form cleaned it, re-checking what spans pages.
        checked = draft_check_saved(draft.data, draft.cleaned, today=timezone.localdate())
    answers, missing = checked if checked is not None else draft_check(draft.data)
    if missing:
        if limit is not None:
            limit.count()
        return _private(redirect(f"{_page_url(area, missing)}?return=check"))

    if limit is not None:
        if draft.is_spam:
            limit.count()
            # A robot filled in the honeypot: it is told what a person is told, nothing kept.
            logger.warning("Notification honeypot filled in; nothing stored")
            notification_draft_delete(draft=draft)
            return _done(request, area, notification_reference_new())
        # The draft goes in the notification's own transaction: stored and gone together.
        notification, created = notification_submit(
            area=area,
            submission_token=draft.submission_token,
            details=details_from_answers(answers),
            draft=draft,
            rate_limit=limit,
        )
        if not created:  # sent before, from another tab of this browser
            notification_draft_delete(draft=draft)
        return _done(request, area, notification.reference, copy_pk=notification.pk)

    context = {
        "area": area,
        "sections": summary_sections(answers),
        "submission_token": draft.submission_token,
    }
    return _private(render(request, "notifications/notify_check.html", context))


def _notification_by_token(token: str, area: Area) -> Notification | None:
    try:
        return Notification.objects.filter(submission_token=token, area=area).first()
    except Exception:  # not a UUID
        return None


def _copy_notification(request: HttpRequest, area: Area) -> Notification | None:
    _, pk = _notified(request)
    if pk is None:
        return None
    return Notification.objects.filter(pk=pk, area=area).select_related("area").first()


@require_GET
def notify_done(request: HttpRequest, area_slug: str) -> HttpResponse:
    area = _area(request, area_slug)
    reference, _ = _notified(request)
    if not reference:
        return redirect("notify:form", area.slug)
    notification = _copy_notification(request, area)
    if notification is not None and notification.reference != reference:
        notification = None
    context = {
        "area": area,
        "reference": reference,
        "copy_available": notification is not None and notification.copy_downloaded_at is None,
        "copy_used": notification is not None and notification.copy_downloaded_at is not None,
    }
    return _private(render(request, "notifications/notify_done.html", context))


@require_GET
def notify_copy(request: HttpRequest, area_slug: str) -> HttpResponse:
    """The PDF copy of what was sent: once, and only to the browser that sent it."""
    area = _area(request, area_slug)
    notification = _copy_notification(request, area)
    if notification is None:
        raise Http404("No copy")
    if notification.copy_downloaded_at is None:
        content = notification_pdf(notification)
        if notification_copy_claim(notification_id=notification.pk):
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="notification-{notification.reference}.pdf"'
            )
            return _private(response)
    context = {"area": area, "reference": notification.reference}
    return _private(render(request, "notifications/public_copy_used.html", context, status=410))
