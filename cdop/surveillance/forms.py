from __future__ import annotations

from django import forms

from cdop.surveillance import rules

_WINDOW_ERROR = "Choose a window of " + ", ".join(map(str, rules.WINDOW_CHOICES)) + " days"
_YEARS_ERROR = "Choose " + ", ".join(map(str, rules.HISTORY_YEAR_CHOICES)) + " years of history"


class DashboardForm(forms.Form):
    """The dashboard's choices, from the query string. The area is checked apart from these:
    an area the reader may not see is a 404, not a form error."""

    window = forms.TypedChoiceField(
        label="Recent window",
        choices=[(str(days), f"Last {days} days") for days in rules.WINDOW_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _WINDOW_ERROR},
    )
    years = forms.TypedChoiceField(
        label="Compared with",
        choices=[
            (str(n), "The last year" if n == 1 else f"The last {n} years")
            for n in rules.HISTORY_YEAR_CHOICES
        ],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _YEARS_ERROR},
    )

    def value(self, name: str) -> int:
        """The chosen value, or the default when the choice is missing or not understood."""
        if self.is_bound and name not in self.errors and self.cleaned_data.get(name):
            return int(self.cleaned_data[name])
        return rules.DEFAULT_WINDOW_DAYS if name == "window" else rules.DEFAULT_HISTORY_YEARS
