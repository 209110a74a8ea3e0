from __future__ import annotations

from typing import Any

from django import forms

from cdop.actions.models import ActionStatus, FamilyTold
from cdop.actions.services import ActionDetails, EscalationDetails
from cdop.agencies.models import Organisation
from cdop.core.forms import DateField, GovUKFormMixin, date_field


def _date(label: str, *, required: str = "", hint: str = "For example, 14 3 2027") -> DateField:
    return date_field(label, hint=hint, required=required)


def _text(label: str, *, required: str = "", rows: str = "4", **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=4000,
        required=bool(required),
        error_messages={"required": required} if required else {},
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class ActionForm(GovUKFormMixin, forms.Form):
    recommendation = forms.TypedChoiceField(
        label="The panel's recommendation it comes from (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a recommendation from the list"},
    )
    description = _text(
        "What is to be done",
        required="Enter what is to be done",
        help_text="Write it without names or dates of birth: the panel reads it.",
    )
    category = forms.CharField(
        label="Theme (optional)",
        max_length=100,
        required=False,
        help_text="To find it across cases and years, for example Safe sleep",
    )
    owner_organisation = forms.TypedChoiceField(
        label="Organisation that owns the action",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="From the area's directory of agencies",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    owner_name = forms.CharField(
        label="Or, if it is not in the list, the organisation's name",
        max_length=200,
        required=False,
    )
    owner_email = forms.EmailField(
        label="The owner's contact email",
        max_length=254,
        help_text="Reminders go here as the due date comes and goes. Use a work address.",
        error_messages={
            "required": "Enter the owner's contact email",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    due_on = _date("Due date", required="Enter the date the action is due")

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        recommendations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        org = self.fields["owner_organisation"]
        assert isinstance(org, forms.TypedChoiceField)  # noqa: S101 - for mypy
        org.choices = [("", "Not in the list")] + [(str(pk), name) for pk, name in organisations]
        rec = self.fields["recommendation"]
        assert isinstance(rec, forms.TypedChoiceField)  # noqa: S101 - for mypy
        if recommendations:
            rec.choices = [("", "None")] + [(str(pk), text) for pk, text in recommendations]
        else:
            del self.fields["recommendation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_org = data.get("owner_organisation") is not None
        has_name = bool((data.get("owner_name") or "").strip())
        if "owner_organisation" not in self.errors and not has_org and not has_name:
            self.add_error(
                "owner_organisation",
                "Choose the organisation that owns the action, or type its name if it is not "
                "in the list",
            )
        if has_org and has_name:
            self.add_error(
                "owner_name", "Choose an organisation from the list or type one, not both"
            )
        return data

    def details(self) -> ActionDetails:
        data = self.cleaned_data
        org_id = data.get("owner_organisation")
        return ActionDetails(
            description=data["description"],
            category=data.get("category") or "",
            owner_organisation=Organisation.objects.get(pk=org_id) if org_id else None,
            owner_name=data.get("owner_name") or "",
            owner_email=data["owner_email"],
            due_on=data["due_on"],
            recommendation_id=data.get("recommendation"),
        )


STATUS_CHOICES = [(value, label) for value, label in ActionStatus.choices]


class StatusForm(GovUKFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the action's new status",
            "invalid_choice": "Select the action's new status",
        },
    )
    evidence = _text(
        "Evidence that it was done (needed for Done)",
        help_text="What changed, and where it is recorded",
    )
    file = forms.FileField(
        label="A document as evidence (optional, for Done)",
        required=False,
        max_length=255,
        help_text="A PDF, Word document, ODT, image or plain text file. It is checked and "
        "kept with the case's documents.",
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
    reason = _text("Why (needed to drop or reopen an action)", rows="3")


class FamilyFeedbackForm(GovUKFormMixin, forms.Form):
    told_on = _date(
        "Date the family were told", required="Enter the date the family were told the outcome"
    )
    method = forms.ChoiceField(
        label="How were they told?",
        choices=FamilyTold.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the family were told",
            "invalid_choice": "Select how the family were told",
        },
    )
    letter = forms.TypedChoiceField(
        label="The letter given or sent (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a letter from the list"},
    )
    note = _text("Note (optional)", rows="3", help_text="For example, questions they still have")

    def __init__(self, *args: Any, letters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["letter"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - for mypy
        field.choices = [("", "No letter")] + [(str(pk), label) for pk, label in letters]


class EscalationForm(GovUKFormMixin, forms.Form):
    what = _text(
        "What was sent to the Safeguarding Children Partnership",
        required="Enter what was sent to the Partnership",
        rows="6",
        help_text="The concern, as sent",
    )
    sent_on = _date("Date sent", required="Enter the date it was sent")
    sent_by = forms.CharField(
        label="Sent by (optional)",
        max_length=200,
        required=False,
        help_text="A name or role, for example the panel's chair",
    )

    def details(self) -> EscalationDetails:
        data = self.cleaned_data
        return EscalationDetails(
            what=data["what"], sent_on=data["sent_on"], sent_by=data.get("sent_by") or ""
        )


class EscalationReplyForm(GovUKFormMixin, forms.Form):
    reply = _text(
        "What the Partnership replied", required="Enter what the Partnership replied", rows="5"
    )
    replied_on = _date("Date of the reply", required="Enter the date of the reply")


class TrackerFilterForm(forms.Form):
    """The tracker's filters; anything not understood is ignored."""

    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), ("open_any", "Open or in progress"), *ActionStatus.choices],
    )
    organisation = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(required=False)
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    q = forms.CharField(required=False, max_length=100)

    def __init__(
        self, *args: Any, organisations: list[tuple[int, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        org = self.fields["organisation"]
        assert isinstance(org, forms.TypedChoiceField)  # noqa: S101 - for mypy
        org.choices = [("", "All organisations")] + [(str(pk), n) for pk, n in organisations]
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)  # noqa: S101 - for mypy
        year.choices = [("", "Any year")] + [(str(y), str(y)) for y in years]

    def value(self, name: str) -> Any:
        if not self.is_bound or name in self.errors:
            return self.fields[name].initial
        return self.cleaned_data.get(name)
