from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from cdop.cases.models import Expectedness, Sex
from cdop.core.forms import DateField, GovUKFormMixin
from cdop.notifications import validation


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
        return validation.clean_nhs_number(self.cleaned_data.get("child_nhs_number", ""))

    def clean_child_postcode(self) -> str:
        return validation.clean_postcode(self.cleaned_data.get("child_postcode", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = validation.check_dates(
            born=data.get("child_date_of_birth"),
            died=data.get("date_of_death"),
            today=timezone.localdate(),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data
