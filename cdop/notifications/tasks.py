from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from cdop.accounts.models import Role, User
from cdop.notifications.models import Notification

ALERTED_ROLES = (Role.ADMINISTRATOR, Role.CDR_MANAGER)


@task()
def notification_alert_team(*, notification_id: int) -> int:
    """Email the area's review team that a notification arrived. No personal details."""
    notification = Notification.objects.select_related("area").get(pk=notification_id)
    recipients = sorted(
        set(
            User.objects.filter(
                is_active=True,
                memberships__area=notification.area,
                memberships__role__in=ALERTED_ROLES,
            ).values_list("email", flat=True)
        )
    )
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
