"""Forms of the agency's pages beyond the questions themselves (which the engine builds)."""

from __future__ import annotations

from typing import Any

from django import forms

from cdop.core.forms import GovUKFormMixin
from cdop.documents.forms import DocumentUploadForm


class AttachmentForm(GovUKFormMixin, forms.Form):
    """A file for the return, with an optional title: the case documents' file field."""

    file = DocumentUploadForm.base_fields["file"]
    title = forms.CharField(
        label="What is it? (optional)",
        help_text="For example, “Discharge summary, March 2026”. If you leave this empty, "
        "the file's name is used.",
        required=False,
        max_length=150,
        error_messages={"max_length": "The description must be 150 characters or fewer"},
    )

    def __init__(self, *args: Any, too_big_message: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_big_message = too_big_message

    def clean_file(self) -> Any:
        if self.too_big_message:
            raise forms.ValidationError(self.too_big_message)
        file = self.cleaned_data.get("file")
        if not file:
            raise forms.ValidationError("Select a file")
        return file
