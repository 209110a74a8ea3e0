from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from cdop.accounts.selectors import team_alert_emails
from cdop.notifications.models import Notification

logger = logging.getLogger(__name__)


@task()
def notification_alert_team(*, notification_id: int) -> int:
    """Email the area's review team that a notification arrived. No personal details."""
    notification = Notification.objects.select_related("area").get(pk=notification_id)
    recipients = team_alert_emails(area=notification.area)
    if not recipients:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse(
        "notifications:detail", kwargs={"reference": notification.reference}
    )
    send_mail(
        subject=f"New child death notification {notification.reference}",
        message=(
            f"A new notification of a child's death has been received for "
            f"{notification.area.name}.\n\n"
            f"Reference: {notification.reference}\n\n"
            f"Sign in to read it: {link}\n\n"
            "This email contains no personal details on purpose. Do not forward case "
            "details by email."
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


@task()
def notification_confirm_notifier(*, notification_id: int) -> int:
    """Tell the notifier we received it, with the reference only: an email can go astray,
    so it carries no personal details of the child (no name, NHS number, dates or address)."""
    notification = Notification.objects.select_related("area").get(pk=notification_id)
    if not notification.notifier_email:
        return 0
    message = render_to_string(
        "notifications/email_confirmation.txt",
        {
            "reference": notification.reference,
            "area": notification.area,
            "contact_link": settings.SITE_URL.rstrip("/")
            + reverse("areas:page", args=[notification.area.slug, "contact"]),
        },
    )
    send_mail(
        subject=f"We have received your notification {notification.reference}",
        message=message,
        from_email=None,
        recipient_list=[notification.notifier_email],
    )
    return 1


@task()
def notification_drafts_clean_up() -> int:
    """Delete the unfinished notifications older than a day and the finished rate-limit
    counters; the number of drafts deleted. The same as `manage.py public_form_clean_up`,
    which cron runs (django-tasks has no schedule); drafts found expired on access are
    deleted then too."""
    from cdop.core.ratelimit import ratelimit_counters_delete_expired
    from cdop.notifications.services import notification_drafts_delete_expired

    ratelimit_counters_delete_expired()
    return notification_drafts_delete_expired()


@task()
def notification_acknowledge(*, notification_id: int) -> None:
    """What follows a new notification, as one job queued in its transaction: the Joint
    Agency Response tasks of an unexpected death, the team's alert, then the notifier's
    confirmation. A failure of one does not stop the others; the job fails afterwards so the
    worker records it. Making the tasks twice is harmless (they are made once)."""
    from cdop.notifications.services import jar_tasks_create

    failures: list[Exception] = []
    steps: tuple[Callable[..., object], ...] = (
        jar_tasks_create,
        notification_alert_team.call,
        notification_confirm_notifier.call,
    )
    for step in steps:
        try:
            step(notification_id=notification_id)
        except Exception as error:
            logger.exception("%s for notification %s failed", step, notification_id)
            failures.append(error)
    if failures:
        raise failures[0]
