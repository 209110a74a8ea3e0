from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone

from cdop.cases.models import Case
from cdop.core.forms import DateField, GovUKFormMixin, date_field
from cdop.safeguarding import rules
from cdop.safeguarding.models import Recipient, SafeguardingConcern

YES_NO = [("yes", "Yes"), ("no", "No")]


def _date(label: str, *, required: str = "", hint: str = "For example, 14 11 2026") -> DateField:
    return date_field(label, hint=hint, required=required)


def _text(label: str, *, required: str = "", rows: str = "3", **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=5000,
        required=bool(required),
        error_messages={"required": required} if required else {},
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, label: str, required: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            error_messages={"required": required},
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value


def initial_from(form_class: type[forms.Form], record: Any) -> Mapping[str, Any]:
    return {name: getattr(record, name) for name in form_class.base_fields}


class ConcernForm(GovUKFormMixin, forms.Form):
    raised_on = _date(
        "Date the concern was raised", required="Enter the date the concern was raised"
    )
    raised_by = forms.CharField(
        label="Who raised it",
        max_length=200,
        help_text="A name, role or agency, for example Designated Doctor",
        error_messages={"required": "Enter who raised the concern"},
    )
    description = _text("What the concern is", required="Describe the concern", rows="5")
    abuse_or_neglect = YesNoField(
        label="Is abuse or neglect known or suspected?",
        required="Select yes if abuse or neglect is known or suspected",
        help_text="If yes, the Child Safeguarding Practice Review Panel must be notified within "
        "5 working days and a rapid review sent within 15 working days.",
    )
    outcome = _text("Outcome (optional)")
    closed_on = _date("Date the concern was closed (optional)")

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = rules.check_concern(
            data, born=self.case.child_date_of_birth, today=timezone.localdate()
        )
        for field, message in found.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class ReferralForm(GovUKFormMixin, forms.Form):
    recipient = forms.ChoiceField(
        label="Sent to",
        choices=Recipient.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the referral was sent to"},
    )
    sent_on = _date("Date sent", required="Enter the date the referral was sent")
    sent_by = forms.CharField(
        label="Sent by (optional)",
        max_length=200,
        required=False,
        help_text="A name, role or agency, for example a council's children's social care",
    )
    decision = _text(
        "Decision (optional)", help_text="For example, a local child safeguarding practice review"
    )
    decision_on = _date("Date of the decision (optional)")
    reply = _text("Reply (optional)")

    def __init__(self, *args: Any, concern: SafeguardingConcern, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.concern = concern

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = rules.check_referral(
            data,
            raised_on=self.concern.raised_on,
            abuse_or_neglect=self.concern.abuse_or_neglect,
            today=timezone.localdate(),
        )
        for field, message in found.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class ProfileForm(GovUKFormMixin, forms.Form):
    looked_after = YesNoField(
        label="Was the child looked after by a local authority?",
        required="Select yes if the child was looked after by a local authority",
        help_text="The death of a looked-after child must be notified to Ofsted and the "
        "Secretary of State, whatever the cause.",
    )
    ofsted_notified_on = _date("Date Ofsted and the Secretary of State were notified (optional)")
    ofsted_notified_by = forms.CharField(
        label="Notified by (optional)",
        max_length=200,
        required=False,
        help_text="A name and role, for example the child's social worker",
    )
    ofsted_reference = forms.CharField(
        label="Ofsted's reference (optional)", max_length=100, required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found = rules.check_profile(data, died=self.case.date_of_death, today=timezone.localdate())
        for field, message in found.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data
