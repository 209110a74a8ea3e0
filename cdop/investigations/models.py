"""Coroner, post-mortem, inquest and Medical Examiner: the events that decide when a case
can go to its child death review meeting.

One model per kind of event: each has its own dates, outcomes and rules, and the NCMD export
maps each to its own questions. Shared columns (the case, who recorded it, notes) come from
an abstract base. A case usually holds one of each, but may hold more (a second post-mortem,
an inquest reopened), so none is limited to one per case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


class CaseEvent(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class CoronerDecision(models.TextChoices):
    INVESTIGATION_OPENED = "investigation_opened", "Investigation opened"
    NO_INVESTIGATION = "no_investigation", "No investigation"
    NOT_KNOWN = "not_known", "Not known yet"


class CoronerReferral(CaseEvent):
    """The coroner was told of the death, and what they decided."""

    informed_on = models.DateField()
    coroner_office = models.CharField(max_length=200, blank=True)
    decision = models.CharField(
        max_length=24, choices=CoronerDecision.choices, default=CoronerDecision.NOT_KNOWN
    )
    decision_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["informed_on", "pk"]
        indexes = [models.Index(fields=["case", "informed_on"], name="coroner_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_on__isnull=True) | Q(decision_on__gte=F("informed_on")),
                name="coroner_decision_after_informed",
            ),
        ]

    def __str__(self) -> str:
        return f"Coroner informed {_day(self.informed_on)}"


class PostMortemType(models.TextChoices):
    CORONIAL = "coronial", "Coronial (ordered by the coroner)"
    HOSPITAL = "hospital", "Hospital (with the parents' consent)"
    NONE = "none", "No post-mortem"


class PostMortem(CaseEvent):
    """A post-mortem examination: requested, performed, and its report.

    While a post-mortem has been requested or performed and its report has not come back,
    the case cannot go to its child death review meeting (see blockers.py).
    """

    pm_type = models.CharField("Type", max_length=12, choices=PostMortemType.choices)
    requested_on = models.DateField(null=True, blank=True)
    performed_on = models.DateField(null=True, blank=True)
    report_received_on = models.DateField(null=True, blank=True)
    result_summary = models.TextField(blank=True)
    cause_of_death = models.TextField(blank=True, help_text="As given in the report.")

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["case", "report_received_on"], name="post_mortem_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(performed_on__isnull=True)
                | Q(requested_on__isnull=True)
                | Q(performed_on__gte=F("requested_on")),
                name="post_mortem_performed_after_requested",
            ),
            models.CheckConstraint(
                condition=Q(report_received_on__isnull=True)
                | (Q(performed_on__isnull=False) & Q(report_received_on__gte=F("performed_on"))),
                name="post_mortem_report_after_performed",
            ),
            models.CheckConstraint(
                condition=~Q(pm_type=PostMortemType.NONE)
                | (Q(performed_on__isnull=True) & Q(report_received_on__isnull=True)),
                name="post_mortem_none_has_no_dates",
            ),
        ]

    def __str__(self) -> str:
        if self.pm_type == PostMortemType.NONE:
            return "No post-mortem"
        return f"{self.get_pm_type_display().split(' (')[0]} post-mortem"

    @property
    def report_awaited(self) -> bool:
        return self.pm_type != PostMortemType.NONE and self.report_received_on is None

    @property
    def awaited_since(self) -> Any:
        """The date we have been waiting for the report since: performed, else requested,
        else the day it was recorded."""
        return self.performed_on or self.requested_on or self.recorded_at.date()


class InquestConclusion(models.TextChoices):
    # The short-form conclusions of the Coroners (Inquests) Rules 2013, form 2, less
    # stillbirth (out of scope here), plus a narrative conclusion.
    ACCIDENT = "accident", "Accident or misadventure"
    ALCOHOL_DRUG = "alcohol_drug", "Alcohol or drug related"
    INDUSTRIAL_DISEASE = "industrial_disease", "Industrial disease"
    LAWFUL_KILLING = "lawful_killing", "Lawful killing"
    UNLAWFUL_KILLING = "unlawful_killing", "Unlawful killing"
    NATURAL_CAUSES = "natural_causes", "Natural causes"
    OPEN = "open", "Open"
    ROAD_TRAFFIC = "road_traffic", "Road traffic collision"
    SUICIDE = "suicide", "Suicide"
    NARRATIVE = "narrative", "Narrative conclusion"


class Inquest(CaseEvent):
    opened_on = models.DateField()
    adjourned_on = models.DateField(null=True, blank=True)
    resumed_on = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    conclusion = models.CharField(max_length=24, choices=InquestConclusion.choices, blank=True)
    conclusion_text = models.TextField(
        blank=True, help_text="The narrative conclusion, or the wording of a short-form one."
    )
    pfd_report = models.BooleanField("Prevention of future deaths report", default=False)

    class Meta:
        ordering = ["opened_on", "pk"]
        indexes = [models.Index(fields=["case", "concluded_on"], name="inquest_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(adjourned_on__isnull=True) | Q(adjourned_on__gte=F("opened_on")),
                name="inquest_adjourned_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True)
                | (Q(adjourned_on__isnull=False) & Q(resumed_on__gte=F("adjourned_on"))),
                name="inquest_resumed_after_adjourned",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__gte=F("opened_on")),
                name="inquest_concluded_after_opened",
            ),
            models.CheckConstraint(
                condition=(Q(concluded_on__isnull=True) & Q(conclusion=""))
                | (Q(concluded_on__isnull=False) & ~Q(conclusion="")),
                name="inquest_conclusion_when_concluded",
            ),
        ]

    def __str__(self) -> str:
        return f"Inquest opened {_day(self.opened_on)}"


class MedicalExaminerOutcome(models.TextChoices):
    CAUSE_AGREED = "cause_agreed", "Cause of death agreed: certificate (MCCD) to be issued"
    REFERRED_TO_CORONER = "referred_to_coroner", "Referred to the coroner"
    NOT_KNOWN = "not_known", "Not known yet"


class MedicalExaminerReview(CaseEvent):
    """The Medical Examiner's independent scrutiny (statutory since 9 September 2024)."""

    reviewed_on = models.DateField()
    medical_examiner = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=24,
        choices=MedicalExaminerOutcome.choices,
        default=MedicalExaminerOutcome.NOT_KNOWN,
    )
    cause_of_death_proposed = models.TextField(blank=True)
    mccd_issued_on = models.DateField("MCCD issued on", null=True, blank=True)

    class Meta:
        ordering = ["reviewed_on", "pk"]
        indexes = [models.Index(fields=["case", "reviewed_on"], name="medical_examiner_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(mccd_issued_on__isnull=True) | Q(mccd_issued_on__gte=F("reviewed_on")),
                name="medical_examiner_mccd_after_review",
            ),
        ]

    def __str__(self) -> str:
        return f"Medical Examiner review {_day(self.reviewed_on)}"
