from __future__ import annotations

from django import forms

from cdop.core.forms import GovUKFormMixin
from cdop.dataquality.checks import RULES
from cdop.dataquality.selectors import SCOPE_STATUSES


class AreaFilterForm(GovUKFormMixin, forms.Form):
    """The area page's filters, read from the query string."""

    status = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[("", "Every stage"), *((s.value, s.label) for s in SCOPE_STATUSES)],
        error_messages={"invalid_choice": "Choose a stage from the list"},
    )
    rule = forms.ChoiceField(
        label="Problem",
        required=False,
        choices=[("", "Any problem"), *((r.id, r.title) for r in RULES)],
        error_messages={"invalid_choice": "Choose a problem from the list"},
    )
    problems = forms.BooleanField(label="Only cases with errors", required=False)
