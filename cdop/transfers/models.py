"""Where a notification goes when it is not opened as a case of its own.

It may be added to the existing case of the same death (a duplicate notification), moved to
another area of this installation, or sent as a transfer pack to a panel outside it. Each
move is a row here: who, when, where and why; rows are kept when a move is undone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class CaseAddition(models.Model):
    """A notification added to an existing case as another account of the same death."""

    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.PROTECT, related_name="case_additions"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(undone_at__isnull=True) | ~models.Q(undo_reason=""),
                name="caseaddition_undo_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.case_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id}


class TransferRecord(models.Model):
    """A notification sent to another area here, or to a panel outside this installation.

    For a panel outside, the pack is fetched through a single-use link that expires; only
    the SHA-256 hash of the link's token is stored.
    """

    class Kind(models.TextChoices):
        INSIDE = "inside", "To another area of this service"
        OUTSIDE = "outside", "To a panel outside this service"

    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    from_area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel_name = models.CharField(max_length=200, blank=True)
    panel_email = models.EmailField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(max_length=2000)

    # The link to the transfer pack (outside transfers only).
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="inside", to_area__isnull=False)
                    | models.Q(kind="outside", to_area__isnull=True)
                    & ~models.Q(panel_name="")
                    & ~models.Q(panel_email="")
                ),
                name="transfer_has_destination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.destination}"

    @property
    def destination(self) -> str:
        return self.to_area.name if self.to_area else f"{self.panel_name} ({self.panel_email})"

    @property
    def link_state(self) -> str:
        """Plain words for the link's state, for the notification page."""
        if self.kind != self.Kind.OUTSIDE or self.token_hash is None:
            return ""
        if self.downloaded_at:
            return "Downloaded"
        if self.revoked_at:
            return "Link withdrawn"
        if self.expires_at and self.expires_at <= timezone.now():
            return "Link expired"
        return "Waiting to be downloaded"

    @property
    def link_usable(self) -> bool:
        return self.link_state == "Waiting to be downloaded"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.from_area_id}


class PackDownload(models.Model):
    """Every attempt to fetch a transfer pack, whether it worked or not.

    A failed attempt with a token that matches nothing has no transfer; the token itself is
    never stored.
    """

    class Outcome(models.TextChoices):
        DOWNLOADED = "downloaded", "Downloaded"
        UNKNOWN = "unknown", "No such link"
        USED = "used", "Link already used"
        EXPIRED = "expired", "Link expired"
        REVOKED = "revoked", "Link withdrawn"

    transfer = models.ForeignKey(
        TransferRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="downloads"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.at:%Y-%m-%d %H:%M}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.transfer.from_area_id if self.transfer else None}
