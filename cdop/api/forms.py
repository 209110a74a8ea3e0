from __future__ import annotations

from typing import Any

from django import forms

from cdop.areas.models import Area
from cdop.core.forms import GovUKFormMixin


class ApiClientForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of the system",
        max_length=200,
        help_text="So you can tell it apart later, for example ‘Royal Infirmary patient record "
        "system’.",
        error_messages={"required": "Enter the name of the system"},
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.none(),
        empty_label=None,
        help_text="Notifications the system sends go to this area's review team.",
        error_messages={
            "required": "Select the area",
            "invalid_choice": "Select one of your areas",
        },
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        area_field.queryset = areas


# How long a personal access token lasts: 90 days unless chosen otherwise, a year at most.
TOKEN_LIFETIMES = (
    ("30", "30 days"),
    ("90", "90 days"),
    ("180", "180 days"),
    ("365", "1 year"),
)


class PersonalTokenForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="So you can tell it apart later, for example ‘Monthly figures spreadsheet’.",
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "What the token is for must be 100 characters or fewer",
        },
    )
    days = forms.ChoiceField(
        label="How long should it work?",
        choices=TOKEN_LIFETIMES,
        initial="90",
        widget=forms.RadioSelect,
        help_text="It stops working after this. You can revoke it sooner.",
        error_messages={
            "required": "Select how long the token should work",
            "invalid_choice": "Select how long the token should work",
        },
    )
