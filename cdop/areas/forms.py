from __future__ import annotations

from typing import Any

from django import forms

from cdop.areas.models import Area
from cdop.areas.residence import postcode_normalise
from cdop.core.forms import GovUKFormMixin
from cdop.notifications.reference import ResidenceStatus


class AreaPageForm(GovUKFormMixin, forms.Form):
    title = forms.CharField(max_length=120, label="Page title")
    body = forms.CharField(
        label="Page text",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": "20"}),
        help_text=(
            "Write in plain English. Leave a blank line between paragraphs. Start a line with "
            "## for a heading and - for a list item. Links: [text](https://example.org)."
        ),
        error_messages={"required": "Enter the page text"},
    )


class PostcodeCheckForm(GovUKFormMixin, forms.Form):
    postcode = forms.CharField(
        label="Postcode",
        max_length=20,
        help_text="For example, LE1 5WW. Spaces and capitals do not matter.",
        error_messages={
            "required": "Enter a postcode",
            "max_length": "Enter a real postcode, like LE1 5WW",
        },
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label="Decide as the panel of",
        empty_label=None,
        error_messages={"invalid_choice": "Select one of your areas"},
    )

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(areas) > 1:
            self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
                pk__in=[area.pk for area in areas]
            )
        else:
            del self.fields["area"]
        self.fields["postcode"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "autocomplete": "off"}
        )

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"]
        if postcode_normalise(value) is None:
            raise forms.ValidationError("Enter a full postcode, like LE1 5WW")
        return value


class ResidenceOverrideForm(GovUKFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Where did the child normally live?",
        choices=ResidenceStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the child lived"},
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Panel on this system that reviews (for another English area)",
        help_text="Leave as “Not on this system” when that area's panel does not use it.",
        empty_label="Not on this system",
    )
    reason = forms.CharField(
        label="Why are you changing it?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": "3"}),
        help_text="For example: looked-after child placed out of area by Nottinghamshire.",
        error_messages={"required": "Enter why you are changing where the child lived"},
    )

    def __init__(self, *args: Any, home_area: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(pk=home_area.pk)
