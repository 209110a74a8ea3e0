from __future__ import annotations

from typing import Any

from django import forms

from cdop.core.forms import GovUKFormMixin
from cdop.documents.models import Category


class DocumentUploadForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=(
            "A PDF, Word document (DOC or DOCX), ODT, image (JPG, PNG or TIFF) or plain text file."
        ),
        required=False,  # a missing file is reported in clean_file, with the size limit
        max_length=255,
        widget=forms.FileInput(
            attrs={
                "class": "govuk-file-upload",
                "accept": ".pdf,.doc,.docx,.odt,.png,.jpg,.jpeg,.tif,.tiff,.txt",
            }
        ),
        error_messages={
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "max_length": "The file's name must be 255 characters or fewer. Rename it and "
            "upload it again",
        },
    )
    category = forms.ChoiceField(
        label="What kind of document is it?",
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of document this is",
            "invalid_choice": "Select what kind of document this is",
        },
    )
    title = forms.CharField(
        label="Title (optional)",
        help_text="For example, “Post-mortem report, final”. If you leave this empty, the "
        "file's name is used.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Title must be 200 characters or fewer"},
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

    def full_clean(self) -> None:
        super().full_clean()
        if "file" in (getattr(self, "_errors", None) or {}):
            widget = self.fields["file"].widget
            widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"


class DocumentWithdrawForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing this document?",
        help_text="For example, “Uploaded to the wrong case”.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={
            "required": "Enter why the document is being withdrawn",
            "max_length": "The reason must be 1000 characters or fewer",
        },
    )
