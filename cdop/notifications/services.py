from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from cdop.areas.models import Area
from cdop.notifications.models import Notification

# Crockford's alphabet: no I, L, O or U, so a reference read out on the phone is unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def notification_reference_new(choose: Callable[[str], str] = secrets.choice) -> str:
    """A reference like NTF-7K3Q-9XPA. `choose` picks each character (a seeded one for
    synthetic data)."""
    chars = "".join(choose(_ALPHABET) for _ in range(8))
    return f"NTF-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True, kw_only=True)
class NotificationDetails:
    child_first_name: str
    child_last_name: str
    child_date_of_birth: date
    child_sex: str
    child_nhs_number: str
    child_postcode: str
    date_of_death: date
    expectedness: str
    circumstances: str
    notifier_name: str
    notifier_role: str
    notifier_organisation: str
    notifier_email: str
    notifier_phone: str


def notification_submit(
    *, area: Area, submission_token: uuid.UUID, details: NotificationDetails
) -> tuple[Notification, bool]:
    """Store a notification from the public form; (notification, created).

    The form's token makes the submit idempotent: a double click, a retry after a time-out
    or a resubmit after the back button returns the notification already stored.
    """
    existing = Notification.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False
    for _ in range(5):
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    area=area,
                    reference=notification_reference_new(),
                    submission_token=submission_token,
                    received_at=timezone.now(),
                    **details.__dict__,
                )
        except IntegrityError:
            existing = Notification.objects.filter(submission_token=submission_token).first()
            if existing is not None:
                return existing, False
            continue  # a reference collision: draw again
        transaction.on_commit(partial(_enqueue_alert, notification.pk))
        return notification, True
    raise RuntimeError("Could not allocate a notification reference")


def _enqueue_alert(notification_id: int) -> None:
    from cdop.notifications.tasks import notification_alert_team

    notification_alert_team.enqueue(notification_id=notification_id)
