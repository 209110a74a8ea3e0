from __future__ import annotations

from typing import Any

from django import forms

from cdop.areas.models import Area
from cdop.core.forms import GovUKFormMixin


class TransferInsideForm(GovUKFormMixin, forms.Form):
    to_area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label="Area to transfer to",
        empty_label=None,
        error_messages={
            "required": "Choose the area to transfer to",
            "invalid_choice": "Choose one of the areas listed",
        },
    )
    reason = forms.CharField(
        max_length=2000,
        label="Why does this notification belong to that area?",
        help_text="For example, the child lived in Rutland with foster carers.",
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": "Enter why the notification belongs to that area"},
    )

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_area"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover - declared above
            raise TypeError("to_area must be a ModelChoiceField")
        field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas])
        field.choices = [(a.pk, a.name) for a in areas]
        if areas:
            field.initial = areas[0].pk


class TransferOutsideForm(GovUKFormMixin, forms.Form):
    panel_name = forms.CharField(
        max_length=200,
        label="Name of the receiving panel",
        help_text="For example, Nottingham and Nottinghamshire Child Death Overview Panel.",
        error_messages={"required": "Enter the name of the receiving panel"},
    )
    panel_email = forms.EmailField(
        max_length=254,
        label="Email address of the person who will receive it",
        help_text="They are sent a link to download the transfer pack. Use a secure address.",
        error_messages={
            "required": "Enter the email address of the person who will receive it",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    reason = forms.CharField(
        max_length=2000,
        label="Why does this notification belong to that panel?",
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": "Enter why the notification belongs to that panel"},
    )


class UndoAdditionForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=1000,
        label="Why is this notification being taken out of the case?",
        help_text="For example, it is about a different child with the same name.",
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": "Enter why the notification is being taken out of the case"},
    )
