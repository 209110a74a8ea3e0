from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from cdop.core.forms import DateField, GovUKFormMixin
from cdop.meetings.models import Attendance, Sector, Triage
from cdop.meetings.services import Person

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)

SECTOR_WORDS = {str(label).lower(): value for value, label in Sector.choices} | {
    value.replace("_", " "): value for value in Sector.values
}


def parse_time(text: str) -> datetime.time | None:
    """14:00, 9.30, 2pm, 2:30pm; None when it is not a time."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    elif match.group(2) is None:
        return None  # "14" alone is ambiguous
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class MeetingDetailsForm(GovUKFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        help_text="Shown in the invitation. Do not include a child's name.",
        max_length=200,
        error_messages={"required": "Enter a title for the meeting"},
    )
    theme = forms.CharField(
        label="Theme (optional)",
        help_text="For a themed panel, for example Neonatal deaths.",
        max_length=200,
        required=False,
    )
    date = DateField(label="Date", help_text="For example 27 3 2027")
    time = forms.CharField(
        label="Start time",
        help_text="For example 14:00 or 2pm",
        max_length=10,
        error_messages={"required": "Enter the time the meeting starts"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    place = forms.CharField(
        label="Place (optional if there is a video link)",
        max_length=300,
        required=False,
    )
    video_link = forms.URLField(
        label="Video link (optional if there is a place)",
        help_text="The full web address, starting https://",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter the video link as a full web address, like "
            "https://meet.example.org/abc"
        },
    )

    def __init__(self, *args: Any, panel: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date of the meeting"
        if not panel:
            del self.fields["theme"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day: datetime.date | None = data.get("date")
        text = data.get("time") or ""
        at = parse_time(text) if text else None
        if text and at is None:
            self.add_error("time", "Enter the time as hours and minutes, like 14:00 or 2pm")
        if day is not None and at is not None:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, at))
            if data["starts_at"] <= timezone.now():
                self.add_error("date", "The meeting must be in the future")
        if (
            not (data.get("place") or "").strip()
            and not data.get("video_link")
            and not (self.has_error("video_link"))
        ):
            self.add_error("place", "Enter where the meeting is, or a video link, or both")
        return data


def parse_outside_people(text: str) -> list[Person]:
    """One person a line: name, email, organisation, sector (the last two optional)."""
    people = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 2 or not parts[0]:
            raise ValidationError(
                f"Line {number}: write the name, then the email address, separated by a comma"
            )
        name, email = parts[0], parts[1]
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                f"Line {number}: “{email}” is not an email address in the right format, like "
                "name@example.org"
            ) from None
        organisation = parts[2] if len(parts) > 2 else ""
        sector_text = ", ".join(parts[3:]).lower() if len(parts) > 3 else "other"
        sector = SECTOR_WORDS.get(sector_text)
        if sector is None:
            raise ValidationError(
                f"Line {number}: “{sector_text}” is not a sector. Use one of: "
                + ", ".join(str(label).lower() for _, label in Sector.choices)
            )
        people.append(Person(name=name, email=email, organisation=organisation, sector=sector))
    return people


class ScheduleForm(MeetingDetailsForm):
    case = forms.CharField(
        label="Case reference",
        help_text="The case this meeting reviews, for example LLR-2026-0042",
        max_length=24,
        error_messages={"required": "Enter the reference of the case to be reviewed"},
    )
    staff = forms.MultipleChoiceField(
        label="Staff to invite",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from the list"},
    )
    outside = forms.CharField(
        label="Other people to invite (optional)",
        help_text="One person a line: name, email, organisation, sector. The sector is one "
        "of chair, public health, health, local authority, police, education or other. For "
        "example: Sam Patel, sam.patel@police.example.org, Leicestershire Police, police",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": "4"}),
    )
    add_ready_cases = forms.BooleanField(
        label="Put every case awaiting the panel on the agenda",
        help_text="You can remove cases, add others and change the order afterwards.",
        required=False,
        initial=True,
    )

    def __init__(
        self,
        *args: Any,
        panel: bool = True,
        staff_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, panel=panel, **kwargs)
        cast(forms.ChoiceField, self.fields["staff"]).choices = staff_choices or []
        if panel:
            del self.fields["case"]
        else:
            del self.fields["add_ready_cases"]

    def clean_outside(self) -> list[Person]:
        return parse_outside_people(self.cleaned_data.get("outside") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.has_error("outside") and not data.get("staff") and not data.get("outside"):
            self.add_error("staff", "Invite at least one person: choose staff, or add others")
        return data


class InviteeForm(GovUKFormMixin, forms.Form):
    """Add one person: a member of staff, or someone from outside by name and email."""

    user = forms.ChoiceField(
        label="A member of staff",
        required=False,
        error_messages={"invalid_choice": "Choose a member of staff from the list"},
    )
    name = forms.CharField(label="Or someone else: name", max_length=200, required=False)
    email = forms.EmailField(
        label="Their email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.org"
        },
    )
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    role = forms.CharField(
        label="Role (optional)",
        help_text="For example Consultant paediatrician",
        max_length=200,
        required=False,
    )
    sector = forms.ChoiceField(
        label="Sector they attend for",
        choices=[("", "Choose (staff: from their role)"), *Sector.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a sector from the list"},
    )

    def __init__(self, *args: Any, staff_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [
            ("", "Nobody from the list"),
            *staff_choices,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user"):
            if not (data.get("name") or "").strip():
                self.add_error("name", "Choose a member of staff, or enter the person's name")
            if not data.get("email") and not self.has_error("email"):
                self.add_error("email", "Enter the person's email address")
            if not data.get("sector"):
                self.add_error("sector", "Choose the sector the person attends for")
        return data


class InviteeChangeForm(GovUKFormMixin, forms.Form):
    sector = forms.ChoiceField(
        label="Sector they attend for",
        choices=Sector.choices,
        error_messages={"required": "Choose a sector", "invalid_choice": "Choose a sector"},
    )
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    role = forms.CharField(label="Role", max_length=200, required=False)


class CancelForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        help_text="Kept with the meeting. Invitees are told it is cancelled, not why.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": "Say why the meeting is cancelled"},
    )


class AgendaAddForm(GovUKFormMixin, forms.Form):
    case = forms.CharField(
        label="Add a case by its reference",
        help_text="For example LLR-2026-0042",
        max_length=24,
        error_messages={"required": "Enter the reference of the case to add"},
    )


class TriageForm(GovUKFormMixin, forms.Form):
    triage = forms.ChoiceField(
        label="How long should the panel spend on this case?",
        choices=Triage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a full or a short discussion"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Needed for a short discussion: why the case is unlikely to bring new "
        "learning, for example extreme prematurity with a clear cause of death.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("triage") == Triage.SHORT and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                "Say why this case needs only a short discussion, for example extreme "
                "prematurity with a clear cause of death",
            )
        return data


class MinutesForm(GovUKFormMixin, forms.Form):
    minutes = forms.CharField(
        label="Minutes of the discussion",
        help_text="Refer to the case by its label, never by the child's or family's names.",
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "12"}),
        error_messages={"max_length": "Keep the minutes to 50,000 characters or fewer"},
    )


def attendance_form_class(invitees: list[Any]) -> type[forms.Form]:
    """A form with one choice per invitee (field name a_<id>)."""
    fields: dict[str, forms.Field] = {
        f"a_{invitee.pk}": forms.ChoiceField(
            label=invitee.name,
            choices=Attendance.choices,
            error_messages={
                "invalid_choice": f"Choose attended, apologies or not recorded for {invitee.name}"
            },
        )
        for invitee in invitees
    }
    return type("AttendanceForm", (GovUKFormMixin, forms.Form), fields)


class QuorumForm(GovUKFormMixin, forms.Form):
    chair_required = forms.BooleanField(label="The chair must attend", required=False)
    sectors = forms.MultipleChoiceField(
        label="Sectors that must each have at least one person attending",
        choices=[(v, label) for v, label in Sector.choices if v != Sector.CHAIR],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose sectors from the list"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("chair_required") and not data.get("sectors") and not self.errors:
            self.add_error(
                "sectors",
                "A meeting needs someone present to be quorate: require the chair or at "
                "least one sector",
            )
        return data
