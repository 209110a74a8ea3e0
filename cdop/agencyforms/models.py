"""Reporting Forms requested from agencies for a case, their answers and the chasing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class FormRequest(models.Model):
    """One agency contact asked for their Reporting Form (and supplementary forms) on a case."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        IN_PROGRESS = "in_progress", "Started"
        SUBMITTED = "submitted", "Returned"
        REVOKED = "revoked", "Withdrawn"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="form_requests")
    # The case's area, copied (a case never changes area): the area's list of outstanding
    # forms then reads one index instead of joining every case of the area.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "agencies.AgencyContact", on_delete=models.PROTECT, related_name="form_requests"
    )
    organisation = models.ForeignKey(
        "agencies.Organisation", on_delete=models.PROTECT, related_name="form_requests"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    note = models.TextField(blank=True, max_length=2000)  # to the agency; no personal details
    first_opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["case", "status"], name="formrequest_case_status"),
            models.Index(fields=["status", "due_on"], name="formrequest_status_due"),
            # The outstanding forms of an area, oldest due first: counted and paged from the
            # index alone. Not a partial index: SQLite uses one only when the query spells
            # the condition's values literally, and Django sends them as parameters.
            models.Index(
                fields=["area", "status", "due_on", "id"], name="formrequest_area_open_due"
            ),
            # The same list filtered to one organisation.
            models.Index(
                fields=["organisation", "status", "due_on", "id"], name="formrequest_org_open_due"
            ),
            # PostgreSQL cannot read the index above in due order across two statuses (it
            # sorts every open request of the area for a page of 25); these partial ones it
            # walks in order and stops after the page, and counts from alone. (SQLite keeps
            # using the ones above: see the note on partial indexes there.)
            models.Index(
                fields=["area", "due_on", "id"],
                condition=models.Q(status__in=["requested", "in_progress"]),
                name="formrequest_open_area_due",
            ),
            models.Index(
                fields=["organisation", "due_on", "id"],
                condition=models.Q(status__in=["requested", "in_progress"]),
                name="formrequest_open_org_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} for {self.case}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.area_id is None and self.case_id is not None:
            self.area_id = self.case.area_id
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class RequestedForm(models.Model):
    """One form (core or supplementary) inside a request, pinned to the definition version it
    was requested on, with the answers saved so far."""

    request = models.ForeignKey(FormRequest, on_delete=models.PROTECT, related_name="forms")
    definition = models.ForeignKey(
        "formdefs.FormDefinition", on_delete=models.PROTECT, related_name="requested"
    )
    answers = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "definition"], name="requestedform_once")
        ]

    def __str__(self) -> str:
        return f"{self.definition} in {self.request}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.request.case.area_id, "case": self.request.case.reference}


class Chase(models.Model):
    """A reminder or escalation sent about a request (automatic or by hand)."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", "Reminder before the due date"
        ON_DUE = "on_due", "Reminder on the due date"
        ESCALATION = "escalation", "Escalated to the CDR team"
        MANUAL = "manual", "Chased by hand"

    request = models.ForeignKey(FormRequest, on_delete=models.PROTECT, related_name="chases")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sent_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            # The automatic reminders go once each; chasing by hand may repeat.
            models.UniqueConstraint(
                fields=["request", "kind"],
                condition=~models.Q(kind="manual"),
                name="chase_automatic_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.request})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.request.case.area_id, "case": self.request.case.reference}
