"""The public side of notification: the form any professional uses, no account needed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from cdop.areas.selectors import area_get_public
from cdop.notifications.forms import NotificationForm
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
