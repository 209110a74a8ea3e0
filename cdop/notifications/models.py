from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from cdop.cases.models import ChildDeath
from cdop.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedJSONField,
    EncryptedTextField,
)
from cdop.notifications.reference import (
    Ethnicity,
    NhsNumberStatus,
    PlaceOfDeath,
    ResidenceStatus,
    YesNoNotKnown,
)


class Notification(ChildDeath):
    """One professional's report that a child has died. Several may concern the same death."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CASE_OPENED = "case_opened", "Case opened"
        ADDED_TO_CASE = "added_to_case", "Added to an existing case"
        TRANSFERRED = "transferred", "Transferred to another panel"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="notifications")
    reference = models.CharField(max_length=16, unique=True)
    # The form carries this token so that a double click or a retry stores one notification.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )

    # The child, beyond the details a case keeps (ChildDeath).
    child_other_names = EncryptedCharField(max_length=200, blank=True)
    child_ethnicity = models.CharField(
        max_length=32, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    nhs_number_status = models.CharField(
        max_length=24, choices=NhsNumberStatus.choices, default=NhsNumberStatus.GIVEN
    )
    child_address = EncryptedTextField(max_length=500, blank=True)
    gp_practice = models.CharField(max_length=200, blank=True)

    # The death.
    time_of_death = models.TimeField(null=True, blank=True)
    place_of_death = models.CharField(
        max_length=20, choices=PlaceOfDeath.choices, default=PlaceOfDeath.NOT_KNOWN
    )
    place_of_death_detail = models.CharField(max_length=300, blank=True)
    post_mortem = models.CharField(
        max_length=12, choices=YesNoNotKnown.choices, default=YesNoNotKnown.NOT_KNOWN
    )
    coroner_informed = models.CharField(
        max_length=12, choices=YesNoNotKnown.choices, default=YesNoNotKnown.NOT_KNOWN
    )
    circumstances = models.TextField(max_length=5000)
    # "Does this death need NCMD's urgent attention?"
    ncmd_alert = models.BooleanField(default=False)
    ncmd_alert_reason = models.TextField(max_length=1000, blank=True)

    # Family and household, and the professionals involved: free text, one person a line.
    # The family's are names of people, so encrypted at rest like the child's.
    parental_responsibility = EncryptedTextField(max_length=2000, blank=True)
    other_children = EncryptedTextField(max_length=2000, blank=True)
    carer_at_time = EncryptedTextField(max_length=1000, blank=True)
    professionals_involved = models.TextField(max_length=3000, blank=True)

    # Who notified: encrypted, with blind indexes for the subject-access search.
    notifier_name = EncryptedCharField(max_length=200)
    notifier_name_index = BlindIndexField(source="notifier_name", kind="person_name")
    notifier_role = models.CharField(max_length=200)
    notifier_organisation = models.CharField(max_length=200)
    notifier_email = EncryptedEmailField()
    notifier_email_index = BlindIndexField(source="notifier_email", kind="email")
    notifier_phone = EncryptedCharField(max_length=40)
    notifier_phone_index = BlindIndexField(source="notifier_phone", kind="phone")

    # Where the child lived, and so which panel reviews (cdop.areas residence services).
    residence_status = models.CharField(
        max_length=16, choices=ResidenceStatus.choices, default=ResidenceStatus.UNKNOWN
    )
    residence_lower_code = models.CharField(max_length=9, blank=True)
    residence_upper_code = models.CharField(max_length=9, blank=True)
    residence_area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    residence_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    residence_override_reason = models.TextField(max_length=1000, blank=True)

    # Triage.
    jar_required = models.BooleanField(
        default=False, help_text="Unexpected death: a Joint Agency Response is needed."
    )
    # Filled when it is added to an existing case or transferred; who and when.
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The notifier may download one PDF copy of what they sent, from the confirmation page.
    copy_downloaded_at = models.DateTimeField(null=True, blank=True)
    # Received from the API rather than the web form.
    api_client = models.ForeignKey(
        "notifications.ApiClient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            # The staff API's notification list: newest first, a page's ids off the index.
            models.Index(
                fields=["area", "-received_at", "-id"], name="notification_area_received_id"
            ),
            # The queue: a status oldest first (new) or newest first (the others), ties by id,
            # read in either direction off the index without sorting the status's rows.
            models.Index(
                fields=["area", "status", "received_at", "id"], name="notification_queue_order"
            ),
            # Duplicates and the case search match NHS numbers through their blind index; the
            # queue's hints count new notifications by it off the index alone (duplicates.py).
            models.Index(
                fields=["area", "child_nhs_number_index", "status"],
                name="notification_area_nhs_status",
            ),
            # The queue's hints look new notifications up by date of birth, and for one with
            # an NHS number only those without one.
            models.Index(
                fields=["area", "child_date_of_birth", "child_nhs_number_index"],
                name="notification_area_dob_nhs",
            ),
            # Surveillance's de-duplication of notifications without an NHS number.
            models.Index(
                fields=["area", "child_identity_index"], name="notification_area_identity"
            ),
            models.Index(fields=["notifier_name_index"], name="notification_notifier_name"),
            models.Index(fields=["notifier_email_index"], name="notification_notifier_email"),
            models.Index(fields=["notifier_phone_index"], name="notification_notifier_phone"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("notifications:detail", kwargs={"reference": self.reference})

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class ApiClient(models.Model):
    """A hospital or police system allowed to post notifications, registered by an
    administrator. Only a hash of its token is stored."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="api_clients")
    name = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=8, help_text="The token's first characters.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class NotificationDraft(models.Model):
    """The answers of a notification not yet sent, so that it can be resumed from the same
    browser for a day. The browser holds a random key in a cookie; only its hash is stored,
    so the table alone cannot be used to read or resume anyone's answers."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    # The answers of each page as posted, by page: {"child": {...}, "death": {...}}.
    # Encrypted at rest like the notification they become (names, NHS number, address).
    data = EncryptedJSONField(default=dict)
    # The same answers as each page's form cleaned them when it was saved (dates as ISO
    # text), so that sending re-checks only the rules between pages.
    cleaned = EncryptedJSONField(default=dict)
    submission_token = models.UUIDField(default=uuid.uuid4)
    # A honeypot field was filled in: sending it stores nothing.
    is_spam = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Draft notification {self.pk}"
