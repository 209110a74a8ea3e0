from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from cdop.core.forms import DateField, GovUKFormMixin, date_field
from cdop.reporting.annual import MAX_PERIOD_DAYS


def _date(label: str, required: str) -> DateField:
    return date_field(label, hint="For example, 1 4 2025", required=required)


class PeriodForm(GovUKFormMixin, forms.Form):
    """The period of the annual report, read from the query string (a report is a read)."""

    date_from = _date("Start of the period", "Enter the start of the period")
    date_to = _date("End of the period", "Enter the end of the period")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start: dt.date | None = cleaned.get("date_from")
        end: dt.date | None = cleaned.get("date_to")
        if start and end:
            if start > end:
                self.add_error(
                    "date_to", "The end of the period must be the same as or after its start"
                )
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("date_to", "The period must be 5 years or shorter")
            elif start.year < 1990:
                self.add_error("date_from", "The start of the period must be in 1990 or later")
        return cleaned
