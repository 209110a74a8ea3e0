from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from cdop.core.forms import DateField, GovUKFormMixin, date_field
from cdop.ncmd.models import PeriodBasis


def _date(label: str, required: str) -> DateField:
    return date_field(label, hint="For example, 1 4 2025", required=required)


class BulkExportForm(GovUKFormMixin, forms.Form):
    basis = forms.ChoiceField(
        label="Which dates should the period cover?",
        choices=PeriodBasis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the period is of dates of death or finalised dates",
            "invalid_choice": "Select whether the period is of dates of death or finalised dates",
        },
    )
    date_from = _date("Start of the period", "Enter the start of the period")
    date_to = _date("End of the period", "Enter the end of the period")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start: dt.date | None = cleaned.get("date_from")
        end: dt.date | None = cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", "The end of the period must be the same as or after its start"
            )
        return cleaned
