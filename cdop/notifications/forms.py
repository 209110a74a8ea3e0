from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from nhs_number import is_valid as nhs_number_is_valid  # type: ignore[attr-defined]

from cdop.cases.models import Expectedness, Sex
from cdop.core.forms import DateField, GovUKFormMixin

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def _years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


class NotificationForm(GovUKFormMixin, forms.Form):
    """The short notification of the walking skeleton; the full national form follows."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    child_first_name = forms.CharField(
        label="Child's first name",
        max_length=100,
        error_messages={"required": "Enter the child's first name"},
    )
    child_last_name = forms.CharField(
        label="Child's last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name"},
    )
    child_date_of_birth = DateField(
        label="Date of birth",
        help_text="For example, 27 3 2024",
        error_messages={"required": "Enter the child's date of birth"},
    )
    child_sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex, or ‘Not known’"},
    )
    child_nhs_number = forms.CharField(
        label="NHS number (if known)",
        max_length=14,
        required=False,
        help_text="10 digits. Leave blank if you do not know it.",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )
    child_postcode = forms.CharField(
        label="Postcode of the child's home (if known)",
        max_length=8,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-10", "autocomplete": "off"}
        ),
    )
    date_of_death = DateField(
        label="Date of death",
        help_text="For example, 14 11 2026",
        error_messages={"required": "Enter the date the child died"},
    )
    expectedness = forms.ChoiceField(
        label="Was the death expected?",
        choices=Expectedness.choices,
        widget=forms.RadioSelect,
        help_text="A death is unexpected if it was not anticipated as a significant possibility "
        "24 hours before, or followed an unexpected collapse or incident.",
        error_messages={
            "required": "Select whether the death was expected, unexpected or not known yet"
        },
    )
    circumstances = forms.CharField(
        label="What happened",
        max_length=5000,
        widget=forms.Textarea,
        help_text="A short summary of the circumstances of the death, as far as you know them.",
        error_messages={"required": "Enter a short summary of what happened"},
    )
    notifier_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    notifier_role = forms.CharField(
        label="Your role",
        max_length=200,
        help_text="For example, paediatric registrar",
        error_messages={"required": "Enter your role"},
    )
    notifier_organisation = forms.CharField(
        label="Your organisation",
        max_length=200,
        error_messages={"required": "Enter your organisation"},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    notifier_email = forms.EmailField(
        label="Your work email address",
        max_length=254,
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    notifier_phone = forms.CharField(
        label="Your work telephone number",
        max_length=40,
        error_messages={"required": "Enter a telephone number we can reach you on"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "tel",
                "type": "tel",
                "class": "govuk-input govuk-input--width-20",
            }
        ),
    )

    def clean_child_nhs_number(self) -> str:
        raw = self.cleaned_data.get("child_nhs_number", "")
        digits = re.sub(r"[\s-]", "", raw)
        if not digits:
            return ""
        if not digits.isdigit() or len(digits) != 10:
            raise forms.ValidationError("NHS number must be 10 digits, like 999 123 4567")
        if not nhs_number_is_valid(digits):
            raise forms.ValidationError(
                "This is not a valid NHS number: check each digit, or leave it blank"
            )
        return digits

    def clean_child_postcode(self) -> str:
        raw = self.cleaned_data.get("child_postcode", "")
        compact = re.sub(r"\s", "", raw).upper()
        if not compact:
            return ""
        if not _POSTCODE.match(compact):
            raise forms.ValidationError("Enter a full UK postcode, like LE1 5WW, or leave it blank")
        return f"{compact[:-3]} {compact[-3:]}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        born = data.get("child_date_of_birth")
        died = data.get("date_of_death")
        if born and born > today:
            self.add_error("child_date_of_birth", "Date of birth must be today or in the past")
        if died and died > today:
            self.add_error("date_of_death", "Date of death must be today or in the past")
        if born and died and died < born:
            self.add_error("date_of_death", "Date of death must be on or after the date of birth")
        elif born and died and _years_between(born, died) >= 18:
            self.add_error(
                "date_of_death",
                "The child was 18 or older on the date of death. Child death reviews cover "
                "children under 18; adult deaths are reviewed by other processes.",
            )
        return data
