from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.urls import reverse

from cdop.cases.models import ChildDeath


class Notification(ChildDeath):
    """One professional's report that a child has died. Several may concern the same death."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CASE_OPENED = "case_opened", "Case opened"
        ADDED_TO_CASE = "added_to_case", "Added to an existing case"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="notifications")
    reference = models.CharField(max_length=16, unique=True)
    # The form carries this token so that a double click or a retry stores one notification.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )

    circumstances = models.TextField(max_length=5000)

    notifier_name = models.CharField(max_length=200)
    notifier_role = models.CharField(max_length=200)
    notifier_organisation = models.CharField(max_length=200)
    notifier_email = models.EmailField()
    notifier_phone = models.CharField(max_length=40)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["area", "status", "-received_at"], name="notification_queue"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("notifications:detail", kwargs={"reference": self.reference})

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}
