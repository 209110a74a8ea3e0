from __future__ import annotations

from typing import Any

from django import forms

from cdop.core.forms import DateField, GovUKFormMixin


class AuditSearchForm(GovUKFormMixin, forms.Form):
    actor_email = forms.EmailField(
        label="Who (email address)",
        required=False,
        error_messages={"invalid": "Enter an email address, like name@example.nhs.uk"},
    )
    record = forms.CharField(
        label="Record (reference or identifier)", max_length=64, required=False
    )
    action = forms.ChoiceField(
        label="What",
        required=False,
        choices=[
            ("", "Any action"),
            ("access", "Viewed"),
            ("create", "Created"),
            ("update", "Changed"),
            ("delete", "Deleted"),
        ],
    )
    date_from = DateField(label="From", required=False)
    date_to = DateField(label="To", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "‘To’ must be the same as or after ‘From’")
        return data
