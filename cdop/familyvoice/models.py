"""The family's own words: questions and what they want the review to know, written by them
through a secure link, at their own pace. Nothing from the record is ever shown to them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class FamilyVoiceRequest(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="family_voice_requests"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    agreement_recorded = models.TextField(
        max_length=1000, help_text="How and when the family agreed to be sent the link."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Family's words for {self.case}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class FamilyVoiceEntry(models.Model):
    """One piece the family wrote (saved as they go; final when the request is submitted)."""

    request = models.ForeignKey(
        FamilyVoiceRequest, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(
        max_length=16,
        choices=[("question", "A question for the review"), ("view", "What we want you to know")],
    )
    text = models.TextField(max_length=20000)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.request})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.request.case.area_id, "case": self.request.case.reference}
