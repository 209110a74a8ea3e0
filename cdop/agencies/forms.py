from __future__ import annotations

from django import forms

from cdop.agencies.models import Organisation
from cdop.core.forms import GovUKFormMixin, TelephoneField


class OrganisationForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of the organisation",
        max_length=200,
        error_messages={"required": "Enter the name of the organisation"},
    )
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of organisation it is"},
    )
    notes = forms.CharField(
        label="Notes for the team (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="For example, a shared inbox or when forms usually come back.",
    )


class OrganisationEditForm(OrganisationForm):
    active = forms.BooleanField(
        label="Still in use (untick to stop offering it for new requests)", required=False
    )


class ContactForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the contact's name"}
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="The Reporting Form link is sent here. Use a work address, not a personal one.",
        error_messages={
            "required": "Enter the contact's work email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    phone = TelephoneField(label="Phone number (optional)", max_length=32, required=False)


class ContactEditForm(ContactForm):
    active = forms.BooleanField(
        label="Still in use (untick when they leave or change role)", required=False
    )
