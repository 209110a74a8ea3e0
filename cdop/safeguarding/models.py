"""Safeguarding on a case: concerns, their referrals, and whether the child was looked after.

Only administrators, CDR managers and designated doctors of the area read or change these
(permissions.can_view_safeguarding); everyone else gets a 404 and sees no trace of them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class _OnACase(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class SafeguardingProfile(models.Model):
    """The looked-after child flag and the notification it requires (one per case).

    The death of a looked-after child must be notified to Ofsted (which receives it for the
    Secretary of State) whatever the cause; until that notification is recorded the case
    cannot be finalised."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="safeguarding_profile"
    )
    looked_after = models.BooleanField("Looked-after child", default=False)
    ofsted_notified_on = models.DateField(null=True, blank=True)
    ofsted_notified_by = models.CharField(max_length=200, blank=True)
    ofsted_reference = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["looked_after", "ofsted_notified_on"], name="safeguarding_lac")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(looked_after=True) | Q(ofsted_notified_on__isnull=True),
                name="safeguarding_ofsted_only_if_looked_after",
            ),
        ]

    def __str__(self) -> str:
        return "Looked-after child" if self.looked_after else "Not a looked-after child"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}

    @property
    def notification_missing(self) -> bool:
        return self.looked_after and self.ofsted_notified_on is None


class SafeguardingConcern(_OnACase):
    raised_on = models.DateField()
    raised_by = models.CharField(max_length=200, help_text="Who raised it: a name, role or agency.")
    description = models.TextField()
    # Abuse or neglect known or suspected makes the death a serious incident: the
    # notification to the national panel and the rapid review clocks start.
    abuse_or_neglect = models.BooleanField("Abuse or neglect known or suspected", default=False)
    outcome = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["raised_on", "pk"]
        indexes = [models.Index(fields=["case", "raised_on"], name="concern_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="concern_closed_after_raised",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern raised {self.raised_on.day} {self.raised_on:%B %Y}"


class Recipient(models.TextChoices):
    PARTNERSHIP = "partnership", "Local Safeguarding Children Partnership"
    SERIOUS_INCIDENT = (
        "serious_incident",
        "Child Safeguarding Practice Review Panel: serious incident notification (through Ofsted)",
    )
    RAPID_REVIEW = "rapid_review", "Child Safeguarding Practice Review Panel: rapid review"


class SafeguardingReferral(_OnACase):
    concern = models.ForeignKey(
        SafeguardingConcern, on_delete=models.PROTECT, related_name="referrals"
    )
    recipient = models.CharField("Sent to", max_length=24, choices=Recipient.choices)
    sent_on = models.DateField()
    sent_by = models.CharField(max_length=200, blank=True)
    decision = models.TextField(blank=True)
    decision_on = models.DateField(null=True, blank=True)
    reply = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_on__isnull=True) | Q(decision_on__gte=F("sent_on")),
                name="referral_decision_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral to the {self.get_recipient_display()}"
