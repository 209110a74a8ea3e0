"""Retention: how long each area keeps identifiable case records, the runs that anonymise
the cases past it, and the subject-access exports made for named adults.

A finalised case is kept identifiable for its area's number of years after the review was
finalised; then `manage.py apply_retention` anonymises it (cdop.retention.anonymise lists
every field it changes). `AnonymisedCase` is the record that it was done, and stays.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from cdop.core.fields import EncryptedCharField, EncryptedJSONField

# The platform's default, and the floor below which nobody can set an area's period. See
# docs/retention.md: 15 years matches the period the Care Planning, Placement and Case
# Review (England) Regulations 2010 set for the records of a looked-after child who dies,
# and 6 years is the ordinary limitation period for a claim (Limitation Act 1980).
DEFAULT_YEARS = 15
MIN_YEARS = 6
MAX_YEARS = 75

REMOVED = "[removed under retention policy]"


class RetentionPolicy(models.Model):
    """How many whole years after its review is finalised an area keeps a case identifiable.
    An area without a row uses DEFAULT_YEARS."""

    area = models.OneToOneField(
        "areas.Area", on_delete=models.PROTECT, related_name="retention_policy"
    )
    years_after_finalised = models.PositiveSmallIntegerField(default=DEFAULT_YEARS)
    reason = models.TextField(
        max_length=1000, help_text="Why the area keeps records this long (its policy, minute)."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years_after_finalised__gte=MIN_YEARS)
                & models.Q(years_after_finalised__lte=MAX_YEARS),
                name="retention_years_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"Retention for area {self.area_id}: {self.years_after_finalised} years"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class RetentionRun(models.Model):
    """One pass of apply_retention that anonymised at least one case (a dry run writes
    nothing, and a pass with nothing due writes nothing either: the job runs daily)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField(help_text="The day the retention dates were compared with.")
    cases_anonymised = models.PositiveIntegerField(default=0)
    cases_failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run {self.pk} ({self.as_of})"


class AnonymisedCase(models.Model):
    """A case anonymised under its area's retention policy: when, under what policy, and how
    much was removed. One per case; its presence makes the job skip the case next time."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="cases")
    anonymised_at = models.DateTimeField()
    policy_years = models.PositiveSmallIntegerField()
    # When the review was finalised (or the case closed another way: merged, transferred,
    # out of scope): the date the retention period ran from.
    closed_at = models.DateTimeField()
    retention_ends_on = models.DateField()
    # {"family.FamilyMember": 2, ...}: rows changed per model.
    rows_changed = models.JSONField(default=dict)
    files_deleted = models.PositiveIntegerField(default=0)
    links_revoked = models.PositiveIntegerField(default=0)
    log_entries_redacted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-anonymised_at", "-pk"]
        indexes = [models.Index(fields=["area", "-anonymised_at"], name="anonymised_area_at")]

    def __str__(self) -> str:
        return f"Case {self.case_id} anonymised {self.anonymised_at:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id, "case_id": self.case_id}


class RedactionPermit(models.Model):
    """A row that exists only inside the transaction redacting audit-log entries of an
    anonymised case: while it exists (and only that transaction can see it) the audit log's
    append-only trigger lets the `changes` of its rows be rewritten. Never committed."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Redaction permit {self.pk}"


class SubjectAccessExport(models.Model):
    """An administrator exported everything held about a named adult: who, when, for whom,
    and which records went into the zip."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    subject_name = EncryptedCharField(max_length=200)  # a named adult: encrypted at rest
    # The identifiers searched with (email, phone, postcode), as typed: encrypted too.
    searched_with = EncryptedJSONField(default=dict)
    area_ids = models.JSONField(default=list)
    # ["notifier:12", "family_member:3", ...]: what was included.
    records = models.JSONField(default=list)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Subject access export {self.pk}"

    def get_additional_data(self) -> dict[str, Any]:
        # Filed under an area so that only that area's audit readers see whom it was about
        # (an administrator searches only their own areas; the first stands for them all).
        area_ids = self.area_ids or []
        return {"area_id": area_ids[0] if area_ids else None, "area_ids": area_ids}
