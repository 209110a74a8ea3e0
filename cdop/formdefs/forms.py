from __future__ import annotations

import json
from typing import Any

from django import forms

from cdop.core.forms import GovUKFormMixin

MAX_BYTES = 512 * 1024


class PublishForm(GovUKFormMixin, forms.Form):
    definition = forms.CharField(
        label="The new version, as JSON",
        help_text=(
            "The same shape as the files in cdop/formdefs/definitions/: code, kind, title, "
            "description, status_confirmed, suggest_when and schema."
        ),
        max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": "20", "spellcheck": "false"}),
        error_messages={
            "required": "Paste the new version's JSON",
            "max_length": "The JSON must be smaller than 512 KB",
        },
    )

    def clean_definition(self) -> dict[str, Any]:
        text = self.cleaned_data["definition"]
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"The JSON could not be read (line {error.lineno}, column {error.colno}: "
                f"{error.msg}). Check it and paste it again"
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError("The JSON must be one object, in curly brackets")
        return data
