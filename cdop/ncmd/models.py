"""What was sent to the National Child Mortality Database (NCMD), when, by whom and how.

`NcmdExport` is one case's document sent once: alone (from the case's page) or inside a
bulk file. It keeps the schema version and the version of every form it carried, so that
what NCMD holds can always be told apart from what the case says now. `NcmdBatch` is one
bulk export of an area's finalised cases for a period, run as a background job.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class PeriodBasis(models.TextChoices):
    DATE_OF_DEATH = "date_of_death", "Date of death"
    FINALISED = "finalised", "Date the review was finalised"


class NcmdBatch(models.Model):
    """A bulk export: every finalised case of an area in a period, as one zip file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Sent"
        FAILED = "failed", "Failed"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=16, choices=PeriodBasis.choices)
    date_from = models.DateField()
    date_to = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    schema_version = models.CharField(max_length=16, blank=True)
    case_count = models.PositiveIntegerField(default=0)
    transport = models.CharField(max_length=32, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    receipt = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["area", "-requested_at"], name="ncmdbatch_area_requested")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_from__lte=models.F("date_to")),
                name="ncmdbatch_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"NCMD bulk export {self.pk} ({self.date_from} to {self.date_to})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class NcmdExport(models.Model):
    """One case's national data set, sent once."""

    class Kind(models.TextChoices):
        SINGLE = "single", "This case alone"
        BULK = "bulk", "In a bulk export"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ncmd_exports")
    # The case's area, copied (a case never changes area), for the area's lists.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(
        NcmdBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="exports"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    schema_version = models.CharField(max_length=16)
    # Which version of each form went: {"analysis": 1, "forms": {"reporting-form": 1, ...},
    # "notifications": 2}, so a later change of a national form is visible per export.
    form_versions = models.JSONField(default=dict)
    case_status = models.CharField(max_length=24)
    transport = models.CharField(max_length=32)
    file_name = models.CharField(max_length=200)
    # The hash of this case's JSON document (inside a zip, of its member, not the zip).
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-at"], name="ncmdexport_case_at"),
            models.Index(fields=["area", "-at"], name="ncmdexport_area_at"),
            # The cases exported from an area (what may need sending again), off the index.
            models.Index(fields=["area", "case"], name="ncmdexport_area_case"),
        ]

    def __str__(self) -> str:
        return f"NCMD export of {self.case_id} at {self.at:%Y-%m-%d %H:%M}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id, "case_id": self.case_id}
