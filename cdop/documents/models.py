"""Documents on a case: post-mortem reports, letters, agency documents.

The file itself lives under settings.DOCUMENTS_ROOT with a random name; the row keeps what
the uploader called it, what its content turned out to be, and a SHA-256 of the bytes.
Documents are never deleted: a document uploaded by mistake is withdrawn, with a reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Category(models.TextChoices):
    POST_MORTEM_REPORT = "post_mortem_report", "Post-mortem report"
    INQUEST = "inquest", "Inquest document"
    LETTER = "letter", "Letter"
    AGENCY_DOCUMENT = "agency_document", "Agency document"
    MEDICAL_RECORDS = "medical_records", "Medical records"
    OTHER = "other", "Other"


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", "Not scanned (virus scanning is off)"
    CLEAN = "clean", "Scanned: no virus found"


class Document(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    category = models.CharField(max_length=24, choices=Category.choices)
    title = models.CharField(max_length=200)
    original_filename = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Random, never derived from the user's filename: the path says nothing and cannot escape.
    storage_name = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    # A file an agency attached to its Reporting Form (through its link). uploaded_by is then
    # the person who made the request; the audit entry names the agency's email.
    form_request = models.ForeignKey(
        "agencyforms.FormRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    scan_status = models.CharField(
        max_length=16, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="document_case_uploaded")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawn_reason=""),
                name="document_withdrawal_has_reason",
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="document_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}
