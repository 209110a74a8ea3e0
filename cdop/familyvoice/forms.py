from __future__ import annotations

from typing import Any

from django import forms

from cdop.core.forms import GovUKFormMixin


class SendForm(GovUKFormMixin, forms.Form):
    email = forms.EmailField(
        label="The family's email address",
        help_text="The link goes only to this address. Read it back to the family to check it.",
        max_length=254,
        error_messages={
            "required": "Enter the family's email address",
            "invalid": "Enter an email address in the right format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    agreement_recorded = forms.CharField(
        label="How did the family agree to be sent the link?",
        help_text="Who agreed, when and how. For example: agreed by phone with the child's "
        "mother on 3 March.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={
            "required": "Say how the family agreed to be sent the link",
            "max_length": "Keep this to 1,000 characters or fewer",
        },
    )
    otp_required = forms.BooleanField(
        required=False,
        label="Ask for a security code before the page opens",
        help_text="Each time the link is opened, a 6-digit code is emailed to the same "
        "address. Useful if others can read the family's email.",
    )


class EntryForm(GovUKFormMixin, forms.Form):
    text = forms.CharField(
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": "10"}),
        strip=True,
    )

    def __init__(self, *args: Any, label: str, hint: str, empty: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = label
        field.help_text = hint
        field.error_messages["required"] = empty
        field.error_messages["max_length"] = (
            "This is longer than we can save in one go (20,000 characters). Split it into "
            "two, and save each one"
        )
