from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from cdop.accounts.models import User
from cdop.core.forms import DateField, GovUKFormMixin
from cdop.work.services import ASSIGNABLE_ROLES


def assignee_choices(people: list[User]) -> list[tuple[str, str]]:
    return [
        ("", "Nobody yet"),
        *((f"role:{role.value}", f"Any {role.label}") for role in ASSIGNABLE_ROLES),
        *((f"user:{person.pk}", person.full_name) for person in people),
    ]


class AssigneeMixin:
    """The "who" of a task as one select: a person, a role, or nobody yet."""

    cleaned_data: dict[str, Any]
    people: list[User]

    def clean_assignee(self) -> tuple[User | None, str]:
        value = self.cleaned_data.get("assignee") or ""
        if value.startswith("role:"):
            return None, value.removeprefix("role:")
        if value.startswith("user:"):
            pk = value.removeprefix("user:")
            person = next((p for p in self.people if str(p.pk) == pk), None)
            if person is None:
                raise forms.ValidationError("Choose someone from the list")
            return person, ""
        return None, ""


def _assignee_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Who should do it",
        required=False,
        error_messages={"invalid_choice": "Choose someone from the list"},
    )


class TaskCreateForm(AssigneeMixin, GovUKFormMixin, forms.Form):
    title = forms.CharField(
        label="What needs to be done",
        max_length=200,
        error_messages={
            "required": "Enter what needs to be done",
            "max_length": "What needs to be done must be 200 characters or fewer",
        },
    )
    detail = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"max_length": "Details must be 5000 characters or fewer"},
    )
    due_on = DateField(
        label="Due date",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date the task is due"},
    )
    assignee = _assignee_field()

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["assignee"].choices = assignee_choices(people)  # type: ignore[attr-defined]

    def clean_due_on(self) -> datetime.date:
        due_on: datetime.date = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("Due date must be today or in the future")
        if due_on > timezone.localdate() + datetime.timedelta(days=3 * 366):
            raise forms.ValidationError("Due date must be within 3 years")
        return due_on

    @property
    def due_at(self) -> datetime.datetime:
        """Due by the end of the day chosen."""
        day: datetime.date = self.cleaned_data["due_on"]
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(23, 59)),
            timezone.get_default_timezone(),
        )


class TaskAssignForm(AssigneeMixin, GovUKFormMixin, forms.Form):
    assignee = _assignee_field()

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["assignee"].choices = assignee_choices(people)  # type: ignore[attr-defined]


class TaskCompleteForm(GovUKFormMixin, forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={
            "required": "Enter a note saying what was done",
            "max_length": "The note must be 5000 characters or fewer",
        },
    )
