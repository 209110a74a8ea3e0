from __future__ import annotations

import datetime
from typing import Any

from django import forms

from cdop.chronology.registry import chronology_kinds
from cdop.core.forms import DateField, GovUKFormMixin

NEWEST_FIRST = "newest"
OLDEST_FIRST = "oldest"


class ChronologyFilterForm(GovUKFormMixin, forms.Form):
    """Filters from the query string: the page and its PDF take the same ones."""

    kind = forms.MultipleChoiceField(
        label="Show",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only the kinds of entry listed"},
    )
    date_from = DateField(label="From", required=False, help_text="For example, 27 3 2026")
    date_to = DateField(label="To", required=False, help_text="For example, 30 4 2026")
    order = forms.ChoiceField(
        label="Order",
        choices=[(NEWEST_FIRST, "Newest first"), (OLDEST_FIRST, "Oldest first")],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select newest first or oldest first"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds are whatever the steps of the process have registered.
        self.fields["kind"].choices = [(k.key, k.label) for k in chronology_kinds()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from: datetime.date | None = cleaned.get("date_from")
        date_to: datetime.date | None = cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters, or none at all when the form has errors."""
        if not self.is_valid():
            return {"kinds": [], "date_from": None, "date_to": None, "order": NEWEST_FIRST}
        return {
            "kinds": self.cleaned_data["kind"],
            "date_from": self.cleaned_data["date_from"],
            "date_to": self.cleaned_data["date_to"],
            "order": self.cleaned_data["order"] or NEWEST_FIRST,
        }
