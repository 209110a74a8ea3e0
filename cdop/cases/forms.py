from __future__ import annotations

from typing import Any

from django import forms

from cdop.cases.workflow import Status, Transition
from cdop.core.forms import GovUKFormMixin


class TransitionForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": "3"})
    )
    into_reference = forms.CharField(
        max_length=24,
        required=False,
        label="Reference of the case to merge into",
        help_text="For example, LLR-2026-0001",
    )

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = transition.reason_label
        self.fields["reason"].required = transition.reason_required
        self.fields["reason"].error_messages["required"] = (
            f"Enter {transition.reason_label[0].lower()}{transition.reason_label[1:]}"
        )
        if transition.name != "case_merge_duplicate":
            del self.fields["into_reference"]
        else:
            self.fields["into_reference"].required = True
            self.fields["into_reference"].error_messages["required"] = (
                "Enter the reference of the case this one duplicates"
            )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All statuses"), *Status.choices], required=False)
    q = forms.CharField(max_length=100, required=False)
