"""A PDF copy of a notification, for the professional who sent it (WeasyPrint).

It shows the same summary as the check-your-answers page (notifications/_answers.html),
rendered from what was stored. Nothing is fetched from outside: the page has no links to
images, fonts or style sheets, and the URL fetcher refuses any that slip in.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone

from cdop.notifications.forms import notification_values, summary_sections
from cdop.notifications.models import Notification


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The notification PDF fetches nothing ({url})")


def notification_pdf(notification: Notification) -> bytes:
    from weasyprint import HTML  # imported when needed: it is slow to load

    html = render_to_string(
        "notifications/pdf_copy.html",
        {
            "notification": notification,
            "area": notification.area,
            "received_at": timezone.localtime(notification.received_at),
            "sections": summary_sections(notification_values(notification)),
        },
    )
    return bytes(HTML(string=html, url_fetcher=_no_fetching).write_pdf())
