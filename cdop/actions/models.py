"""Actions: what the panel asks an organisation to do, followed up until it is done.

An action belongs to a case (the review it came from) and, when the panel agreed it from a
recommendation of the Analysis Form, to that recommendation. Its owner is an organisation
(from the area's agency directory when it is there, or named in free text) and a contact
email, which is reminded as the due date comes and goes. Every change of status is a row
(ActionStatusChange: who, when, from, to, why): the history, the chronology and the report
all read it. Every reminder sent is a row too (ActionReminder), one per action, due date and
step, so a reminder pass is safe to run again.

Also here: the record of when and how the family were told the panel's outcome
(FamilyFeedback), which completes the key worker's task.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


CLOSED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})
OPEN_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


class Action(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="actions")
    # The case's area, kept on the row: the tracker filters every area's actions by it.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    # Where it came from: the panel's recommendation, and the agenda item it was agreed at.
    recommendation = models.ForeignKey(
        "analysis.Recommendation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(
        help_text="What is to be done. Write it without names: it is read by the panel."
    )
    category = models.CharField(
        max_length=100,
        blank=True,
        help_text="A theme to find it by across cases, for example Safe sleep.",
    )
    owner_organisation = models.ForeignKey(
        "agencies.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_name = models.CharField(
        "Owner organisation (not in the directory)", max_length=200, blank=True
    )
    owner_email = models.EmailField("Owner's contact email", max_length=254)
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    evidence = models.TextField(blank=True)
    evidence_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["area", "status", "due_on"], name="action_area_status_due"),
            # The tracker unfiltered: a page's ids read in order off the index (ties by id).
            models.Index(fields=["area", "due_on", "id"], name="action_area_due_id"),
            models.Index(fields=["case", "due_on"], name="action_case_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=False) | ~Q(owner_name=""),
                name="action_has_an_owner",
            ),
            # Closed (done or dropped) exactly when it has a closing date; done with evidence.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["done", "dropped"], closed_on__isnull=False)
                    | Q(status__in=["open", "in_progress"], closed_on__isnull=True)
                ),
                name="action_closed_on_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(evidence=""),
                name="action_done_with_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.number}"

    @property
    def number(self) -> str:
        """The action's reference, used in emails instead of its words."""
        return f"ACT-{self.pk:05d}"

    @property
    def owner_label(self) -> str:
        if self.owner_organisation_id is not None:
            return str(self.owner_organisation)
        return self.owner_name

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < timezone.localdate()

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id, "case": self.case.reference}


class ActionStatusChange(models.Model):
    """One change of an action's status (the first row: created). Never changed."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["action", "at"], name="action_change_action_at")]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.action.area_id, "case": self.action.case.reference}


class ReminderStep(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    STILL_OVERDUE = "still_overdue", "Still overdue"


class ActionReminder(models.Model):
    """A reminder sent (or being sent) to an action's owner.

    One row per action, due date and step: the row is claimed before the email goes, so two
    passes (or a pass and a scheduled job) never send the same reminder twice. A new due
    date starts the steps again. `repeat` counts the still-overdue reminders (1, 2, ...)."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="reminders")
    step = models.CharField(max_length=16, choices=ReminderStep.choices)
    repeat = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField()
    sent_to = models.EmailField(max_length=254)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "due_on", "step", "repeat"], name="action_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} reminder for action {self.action_id}"


class FamilyTold(models.TextChoices):
    VISIT = "visit", "Visit"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    OTHER = "other", "Other"


class FamilyFeedback(models.Model):
    """When and how the family were told the panel's outcome, and by whom.

    Recording it completes the key worker's task "Tell the family the outcome of the
    review" (the task stays the to-do; this row is the record)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="family_feedback")
    task = models.ForeignKey(
        "cases.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    told_on = models.DateField()
    method = models.CharField(max_length=8, choices=FamilyTold.choices)
    told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    letter = models.ForeignKey(
        "family.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["told_on", "pk"]

    def __str__(self) -> str:
        return f"Family told on {self.told_on:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}
