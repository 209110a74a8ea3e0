from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from cdop.agencies.models import AgencyContact
from cdop.core.forms import DateField, GovUKFormMixin
from cdop.formdefs.models import FormDefinition


class RequestForm(GovUKFormMixin, forms.Form):
    """Ask one or more contacts for the chosen forms. The check boxes are drawn by the page's
    template (grouped by organisation); the fields validate what was ticked."""

    contacts = forms.MultipleChoiceField(
        label="Who should complete the form?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one person to send the form to",
            "invalid_choice": "Select people from the list",
        },
    )
    definitions = forms.MultipleChoiceField(
        label="Which forms?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one form",
            "invalid_choice": "Select forms from the list",
        },
    )
    due_on = DateField(
        label="Due date",
        help_text="For example, 27 3 2027. Reminders go before and on this date.",
        error_messages={"required": "Enter the date the forms are due"},
    )
    note = forms.CharField(
        label="A note to the agencies (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="It goes in the email. Do not include the child's name or any personal details.",
    )

    def __init__(
        self,
        *args: Any,
        contacts: list[AgencyContact],
        definitions: list[FormDefinition],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.contact_objects = {str(c.pk): c for c in contacts}
        self.definition_objects = {str(d.pk): d for d in definitions}
        contacts_field = self.fields["contacts"]
        definitions_field = self.fields["definitions"]
        assert isinstance(contacts_field, forms.MultipleChoiceField)  # noqa: S101
        assert isinstance(definitions_field, forms.MultipleChoiceField)  # noqa: S101
        contacts_field.choices = [(k, str(c)) for k, c in self.contact_objects.items()]
        definitions_field.choices = [(k, d.title) for k, d in self.definition_objects.items()]

    def clean_due_on(self) -> datetime.date | None:
        due_on: datetime.date | None = self.cleaned_data.get("due_on")
        if due_on is not None and due_on <= timezone.localdate():
            raise forms.ValidationError("The due date must be in the future")
        return due_on

    def chosen_contacts(self) -> list[AgencyContact]:
        return [self.contact_objects[k] for k in self.cleaned_data["contacts"]]

    def chosen_definitions(self) -> list[FormDefinition]:
        return [self.definition_objects[k] for k in self.cleaned_data["definitions"]]


class RevokeForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it being withdrawn? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="For the case record. The agency is not told the reason.",
    )
