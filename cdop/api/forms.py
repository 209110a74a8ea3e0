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
