from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from cdop.accounts.models import User
from cdop.core.forms import DateField, GovUKFormMixin, TelephoneField
from cdop.family.models import BereavementSupport, ContactMethod, FamilyQuestion

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class KeyWorkerForm(GovUKFormMixin, forms.Form):
    key_worker = _PersonChoice(
        queryset=User.objects.none(),
        required=False,
        empty_label="No key worker",
        label="Key worker",
        help_text="Only people with the key worker role in this area are listed.",
        error_messages={"invalid_choice": "Choose a key worker from the list"},
    )
    phone = TelephoneField(
        max_length=40,
        required=False,
        label="Phone number the family can call them on (optional)",
        help_text="Letters use the team's number if this is left empty.",
    )
    note = forms.CharField(
        max_length=2000,
        required=False,
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": "3"}),
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key_worker"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        field.queryset = candidates


class ContactForm(GovUKFormMixin, forms.Form):
    on = DateField(
        label="Date of the contact",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date of the contact"},
    )
    time = forms.CharField(
        max_length=5,
        required=False,
        label="Time (optional)",
        help_text="For example, 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    staff = _PersonChoice(
        queryset=User.objects.none(),
        label="Who from the team",
        error_messages={
            "required": "Choose who from the team was in contact",
            "invalid_choice": "Choose who from the team was in contact",
        },
    )
    family_members = forms.CharField(
        max_length=200,
        label="Who in the family",
        help_text="For example, Mum (Sarah) and Grandad",
        error_messages={"required": "Enter who in the family you were in contact with"},
    )
    method = forms.ChoiceField(
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        label="How",
        error_messages={"required": "Select how you were in contact"},
    )
    discussed = forms.CharField(
        max_length=10000,
        widget=forms.Textarea,
        label="What you talked about",
        error_messages={"required": "Enter what you talked about"},
    )
    promised = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
        label="What you promised to do (optional)",
    )
    next_contact_due = DateField(
        required=False,
        label="Next contact due (optional)",
        help_text="When you agreed to be in touch next. For example, 10 4 2027",
    )

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        field.queryset = staff

    def clean_time(self) -> datetime.time | None:
        value = self.cleaned_data.get("time", "").strip()
        if not value:
            return None
        match = _TIME.match(value)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter the time as hours and minutes, for example 14:30")
        return datetime.time(int(match[1]), int(match[2]))

    def contact_at(self) -> datetime.datetime:
        """The contact's date and time; midday when no time was given."""
        time = self.cleaned_data.get("time") or datetime.time(12, 0)
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["on"], time))


class ProfileForm(GovUKFormMixin, forms.Form):
    family_name = forms.CharField(
        max_length=200,
        required=False,
        label="How to address the family in letters",
        help_text="For example, Sarah and James Smith",
    )
    postal_address = forms.CharField(
        max_length=1000,
        required=False,
        label="Address for letters",
        widget=forms.Textarea(attrs={"rows": "4"}),
    )
    preferred_method = forms.ChoiceField(
        choices=[("", "No preference"), *ContactMethod.choices],
        required=False,
        label="How the family prefer to be contacted",
    )
    preferred_time = forms.CharField(
        max_length=200,
        required=False,
        label="When the family prefer to be contacted",
        help_text="For example, weekday mornings, not before 10am",
    )
    language = forms.CharField(
        max_length=100, required=False, label="Language the family prefer (optional)"
    )
    interpreter_needed = forms.BooleanField(required=False, label="The family need an interpreter")
    other_needs = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
        label="Other needs (optional)",
        help_text="For example, access needs, or large print letters",
    )
    bereavement_support = forms.ChoiceField(
        choices=BereavementSupport.choices,
        widget=forms.RadioSelect,
        label="Was bereavement support offered?",
        error_messages={"required": "Select whether bereavement support was offered"},
    )
    bereavement_support_what = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
        label="What support was offered",
    )
    bereavement_support_by = forms.CharField(
        max_length=200,
        required=False,
        label="Who offered it",
        help_text="A person or an organisation",
    )
    bereavement_support_on = DateField(required=False, label="When it was offered")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bereavement_support") == BereavementSupport.YES and not data.get(
            "bereavement_support_what", ""
        ):
            self.add_error("bereavement_support_what", "Enter what support was offered")
        return data


class FamilyMemberForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        max_length=200, label="Name", error_messages={"required": "Enter their name"}
    )
    relationship = forms.CharField(
        max_length=100,
        label="Relationship to the child",
        help_text="For example, mother, stepfather, grandmother",
        error_messages={"required": "Enter their relationship to the child"},
    )
    phone = TelephoneField(max_length=40, required=False, label="Phone number (optional)")
    email = forms.EmailField(
        required=False,
        label="Email address (optional)",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    main_contact = forms.BooleanField(required=False, label="This is the main contact")
    notes = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
        label="Notes (optional)",
    )


class DateToAvoidForm(GovUKFormMixin, forms.Form):
    description = forms.CharField(
        max_length=200,
        label="What to avoid",
        help_text="For example, Oliver's birthday, or the anniversary of his death",
        error_messages={"required": "Enter what to avoid"},
    )
    date = DateField(required=False, label="Date (optional)")
    every_year = forms.BooleanField(required=False, initial=True, label="Every year")


class QuestionForm(GovUKFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=FamilyQuestion.Kind.choices,
        widget=forms.RadioSelect,
        label="Is this a question or a view?",
        error_messages={"required": "Select whether this is a question or a view"},
    )
    text = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": "4"}),
        label="In the family's words",
        error_messages={"required": "Enter the family's question or view"},
    )
    recorded_on = DateField(
        label="When the family told you",
        error_messages={"required": "Enter when the family told you"},
    )
    answered = forms.BooleanField(required=False, label="The review has answered this")
    answer = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
        label="The review's answer (optional)",
    )


class LetterForm(GovUKFormMixin, forms.Form):
    message = forms.CharField(
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "8"}),
        label="Words for this letter",
        help_text="Written for the family. They go where the letter says {{ message }}.",
    )


class LetterTemplateForm(GovUKFormMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        label="Name of the letter",
        error_messages={"required": "Enter a name for the letter"},
    )
    body = forms.CharField(
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": "25"}),
        label="Text of the letter",
        error_messages={"required": "Enter the text of the letter"},
    )
