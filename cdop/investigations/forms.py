from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from cdop.cases.models import Case
from cdop.core.forms import DateField, GovUKFormMixin, date_field
from cdop.investigations import rules
from cdop.investigations.models import (
    CoronerDecision,
    InquestConclusion,
    MedicalExaminerOutcome,
    PostMortemType,
)


def _date(label: str, *, required: str = "", hint: str = "For example, 14 11 2026") -> DateField:
    return date_field(label, hint=hint, required=required)


def _text(label: str, *, max_length: int = 5000, rows: str = "3", **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def _radios(label: str, choices: Any, required: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required},
        **kwargs,
    )


class EventForm(GovUKFormMixin, forms.Form):
    """A form for one kind of event; its rules live in rules.py."""

    check: ClassVar[Callable[..., rules.Errors]]

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = type(self).check(data, died=self.case.date_of_death, today=timezone.localdate())
        for field, message in found.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    @classmethod
    def initial_from(cls, event: Any) -> Mapping[str, Any]:
        return {name: getattr(event, name) for name in cls.base_fields}


class CoronerForm(EventForm):
    check = staticmethod(rules.check_coroner)

    informed_on = _date(
        "Date the coroner was informed", required="Enter the date the coroner was informed"
    )
    coroner_office = forms.CharField(
        label="Coroner's office (optional)",
        max_length=200,
        required=False,
        help_text="For example, Leicester City and South Leicestershire Coroner's Office",
    )
    decision = _radios(
        "The coroner's decision",
        CoronerDecision.choices,
        "Select the coroner's decision, or ‘Not known yet’",
        initial=CoronerDecision.NOT_KNOWN,
    )
    decision_on = _date("Date of the decision (optional)")
    notes = _text("Notes (optional)")


class PostMortemForm(EventForm):
    check = staticmethod(rules.check_post_mortem)

    pm_type = _radios(
        "Type of post-mortem",
        PostMortemType.choices,
        "Select the type of post-mortem, or ‘No post-mortem’",
    )
    requested_on = _date("Date requested (optional)")
    performed_on = _date("Date performed (optional)", hint="Leave blank until it has been done")
    report_received_on = _date(
        "Date the report was received (optional)",
        hint="Leave blank while the report is awaited. The case cannot go to its child death "
        "review meeting until the report is received.",
    )
    result_summary = _text("Summary of the findings (optional)", rows="4")
    cause_of_death = _text(
        "Cause of death, as given in the report (optional)",
        help_text="For example, 1a Bronchopneumonia",
    )
    notes = _text("Notes (optional)")


class InquestForm(EventForm):
    check = staticmethod(rules.check_inquest)

    opened_on = _date("Date the inquest opened", required="Enter the date the inquest opened")
    adjourned_on = _date("Date adjourned (optional)")
    resumed_on = _date("Date resumed (optional)")
    concluded_on = _date("Date concluded (optional)")
    conclusion = forms.ChoiceField(
        label="Conclusion (optional until the inquest has concluded)",
        choices=[("", "Not concluded yet"), *InquestConclusion.choices],
        required=False,
    )
    conclusion_text = _text(
        "Wording of the conclusion (needed for a narrative conclusion)", rows="4"
    )
    pfd_report = forms.BooleanField(
        label="The coroner issued a prevention of future deaths report (Regulation 28)",
        required=False,
    )
    notes = _text("Notes (optional)")


class MedicalExaminerForm(EventForm):
    check = staticmethod(rules.check_medical_examiner)

    reviewed_on = _date(
        "Date of the review", required="Enter the date of the Medical Examiner's review"
    )
    medical_examiner = forms.CharField(
        label="Medical Examiner or office (optional)", max_length=200, required=False
    )
    outcome = _radios(
        "Outcome",
        MedicalExaminerOutcome.choices,
        "Select the outcome of the review, or ‘Not known yet’",
        initial=MedicalExaminerOutcome.NOT_KNOWN,
    )
    cause_of_death_proposed = _text("Cause of death proposed (optional)")
    mccd_issued_on = _date("Date the MCCD was issued (optional)")
    notes = _text("Notes (optional)")
