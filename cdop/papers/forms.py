from __future__ import annotations

from django import forms

from cdop.core.forms import GovUKFormMixin
from cdop.papers.services import MAX_DAYS_BEFORE


class PapersSettingForm(GovUKFormMixin, forms.Form):
    days_before = forms.IntegerField(
        label="Days before a meeting that its papers open to the people invited",
        help_text="For example, 7. The area's team can read the papers as soon as they are "
        "published.",
        min_value=0,
        max_value=MAX_DAYS_BEFORE,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
        ),
        error_messages={
            "required": "Enter the number of days, for example 7",
            "invalid": "The number of days must be a whole number, like 7",
            "min_value": "The number of days must be 0 or more",
            "max_value": f"The number of days must be {MAX_DAYS_BEFORE} or less",
        },
    )
