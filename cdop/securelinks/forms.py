from __future__ import annotations

from django import forms

from cdop.core.forms import GovUKFormMixin


class CodeForm(GovUKFormMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code in the email we have just sent you, for example 123456.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit security code from the email"},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-5",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("The security code must be 6 numbers, like 123456")
        return code
