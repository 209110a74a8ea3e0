"""Single-purpose links for people without an account (agency contacts, families).

Only the SHA-256 of the link's random token is stored. A link opens one thing (one form
request, or one family-voice request), expires, can be revoked, and stops working once what
it opens has been submitted. An optional one-time code is sent to the same email before the
link opens.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from cdop.core.fields import BlindIndexed, BlindIndexField, EncryptedEmailField


class SecureLink(BlindIndexed, models.Model):
    class Purpose(models.TextChoices):
        AGENCY_FORM = "agency_form", "Agency Reporting Form"
        FAMILY_VOICE = "family_voice", "The family's own words"

    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    # Often a family member's address: encrypted at rest, matched through its blind index.
    email = EncryptedEmailField(max_length=254)
    email_index = BlindIndexField(source="email", kind="email", db_index=True)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    form_request = models.ForeignKey(
        "agencyforms.FormRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
    )
    family_voice_request = models.ForeignKey(
        "familyvoice.FamilyVoiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)  # what it opens was submitted
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    otp_required = models.BooleanField(default=False)
    otp_hash = models.CharField(max_length=64, blank=True)
    otp_expires_at = models.DateTimeField(null=True, blank=True)
    otp_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(purpose="agency_form", form_request__isnull=False)
                    & models.Q(family_voice_request__isnull=True)
                )
                | (
                    models.Q(purpose="family_voice", family_voice_request__isnull=False)
                    & models.Q(form_request__isnull=True)
                ),
                name="securelink_opens_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link {self.pk}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}
