from __future__ import annotations

from django import forms

from cdop.core.forms import GovUKFormMixin
from cdop.retention.models import MAX_YEARS, MIN_YEARS


class RetentionPolicyForm(GovUKFormMixin, forms.Form):
    years_after_finalised = forms.IntegerField(
        label="Years to keep a case identifiable after its review is finalised",
        help_text=f"From {MIN_YEARS} to {MAX_YEARS}. Then names, contact details and free text "
        "are removed; the figures for statistics stay.",
        min_value=MIN_YEARS,
        max_value=MAX_YEARS,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
        ),
        error_messages={
            "required": "Enter the number of years, for example 15",
            "invalid": "The number of years must be a whole number, like 15",
            "min_value": f"The number of years must be {MIN_YEARS} or more: records must be "
            "kept at least that long",
            "max_value": f"The number of years must be {MAX_YEARS} or less",
        },
    )
    reason = forms.CharField(
        label="Why the area keeps records this long",
        help_text="For example, the retention schedule and the meeting that agreed it.",
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        error_messages={
            "required": "Enter why the area keeps records this long",
            "max_length": "Write the reason in 1,000 characters or fewer",
        },
    )


class SubjectSearchForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter the person's full name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        error_messages={"max_length": "The phone number must be 40 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode",
        help_text="For a member of a family: the postcode of their address.",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"max_length": "Enter a postcode like LE1 5WW"},
    )

    def clean_phone(self) -> str:
        value = str(self.cleaned_data.get("phone") or "").strip()
        digits = "".join(ch for ch in value if ch.isdigit())
        if value and (len(digits) < 6 or any(ch.isalpha() for ch in value)):
            raise forms.ValidationError("Enter a phone number like 0116 496 0000")
        return value

    def clean_postcode(self) -> str:
        value = " ".join(str(self.cleaned_data.get("postcode") or "").split()).upper()
        compact = value.replace(" ", "")
        if value and not (5 <= len(compact) <= 7 and compact.isalnum()):
            raise forms.ValidationError("Enter a postcode like LE1 5WW")
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.errors and not (data.get("email") or data.get("phone") or data.get("postcode")):
            self.add_error(
                "email",
                "Enter an email address, phone number or postcode as well as the name, so "
                "that the right person is found",
            )
        return data
