"""The notification an API client sends: the national Notification Form as JSON.

The rules and messages are the web form's (cdop.notifications.validation, and the required
messages of NotificationForm), so a system and a person typing get the same answers. Every
field carries a description; the OpenAPI schema, /api/docs/ and docs/api.md come from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import SkipField

from cdop.cases.models import Expectedness, Sex
from cdop.core.forms import clean_telephone
from cdop.notifications import forms as notification_forms
from cdop.notifications import validation
from cdop.notifications.models import Notification
from cdop.notifications.reference import (
    Ethnicity,
    NhsNumberStatus,
    PlaceOfDeath,
    ResidenceStatus,
    YesNoNotKnown,
)

UNKNOWN_FIELD = (
    "This field is not part of the notification. Check its spelling against the API "
    "documentation, or remove it."
)
SUBMISSION_REQUIRED = (
    "Enter a submission token: a new UUID for each notification, sent again unchanged if you retry"
)
SUBMISSION_INVALID = (
    "The submission token must be a UUID, like 3f2b8c1e-9d4a-4e6b-8f0a-2c7d5e1b9a34"
)


def _form_field(name: str) -> forms.Field | None:
    """The web form's field of this name, on whichever page of the form asks it."""
    for candidate in vars(notification_forms).values():
        if (
            isinstance(candidate, type)
            and issubclass(candidate, forms.Form)
            and name in candidate.base_fields
        ):
            field: forms.Field = candidate.base_fields[name]
            return field
    return None


def _form_message(name: str, key: str, default: str) -> str:
    """The web form's message for this field, so that the two never say different things."""
    field = _form_field(name)
    if field is not None and key in field.error_messages and field.error_messages[key]:
        message = str(field.error_messages[key])
        if message != "This field is required.":
            return message
    return default


def _required(name: str, default: str) -> dict[str, str]:
    message = _form_message(name, "required", default)
    return {"required": message, "blank": message, "null": message}


class _Text(serializers.CharField):  # type: ignore[misc]
    """Text as typed: stored as it came (markup stays text) and limited like the form."""

    def __init__(self, *, max_length: int, required_message: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("validators", []).append(MaxLengthValidator(max_length))
        if required_message:
            kwargs["error_messages"] = {
                "required": required_message,
                "blank": required_message,
                "null": required_message,
            }
        else:
            kwargs.update(required=False, allow_blank=True, allow_null=True, default="")
        super().__init__(**kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None and not self.required:
            return True, ""
        result: tuple[bool, Any] = super().validate_empty_values(data)
        return result


class _Choice(serializers.ChoiceField):  # type: ignore[misc]
    """One of a reference list, by its value. An empty string counts as not answered."""

    def __init__(
        self,
        choices: type[models.TextChoices],
        *,
        required_message: str = "",
        default: str | None = None,
        **kwargs: Any,
    ) -> None:
        values = ", ".join(choices.values)
        messages = {
            "invalid_choice": (
                f'Select a valid choice. "{{input}}" is not one of the available choices: {values}'
            )
        }
        if required_message:
            messages.update(required=required_message, null=required_message)
        else:
            kwargs.update(required=False, default=default)
        super().__init__(choices=choices.choices, error_messages=messages, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.required:
            self.fail("required")
        if data in ("", None) and not self.required:
            return self.default
        return super().to_internal_value(data)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None and not self.required:
            return True, self.default
        result: tuple[bool, Any] = super().validate_empty_values(data)
        return result


def _date(name: str, label: str, required_default: str, **kwargs: Any) -> serializers.DateField:
    return serializers.DateField(
        input_formats=["iso-8601"],
        error_messages={
            **_required(name, required_default),
            "invalid": f"{label} must be a real date, written as YYYY-MM-DD, like 2024-03-27",
            "datetime": f"{label} must be a date without a time, written as YYYY-MM-DD",
        },
        **kwargs,
    )


class NotificationSubmissionSerializer(serializers.Serializer):  # type: ignore[misc]
    """A notification of a child's death, from a hospital or police system."""

    submission_token = serializers.UUIDField(
        help_text=(
            "A new UUID (version 4) for each notification. If you retry, send the same one: "
            "you get the notification already stored (200) rather than a second one."
        ),
        error_messages={
            "required": SUBMISSION_REQUIRED,
            "null": SUBMISSION_REQUIRED,
            "invalid": SUBMISSION_INVALID,
        },
    )

    # The child.
    child_first_name = _Text(
        max_length=100,
        required_message=_form_message(
            "child_first_name", "required", "Enter the child's first name"
        ),
        help_text="The child's first name.",
    )
    child_last_name = _Text(
        max_length=100,
        required_message=_form_message(
            "child_last_name", "required", "Enter the child's last name"
        ),
        help_text="The child's last name.",
    )
    child_other_names = _Text(
        max_length=200, help_text="Any other names the child was known by (optional)."
    )
    child_date_of_birth = _date(
        "child_date_of_birth",
        "Date of birth",
        "Enter the child's date of birth",
        help_text="The child's date of birth, YYYY-MM-DD. Today or earlier.",
    )
    child_sex = _Choice(
        Sex,
        required_message=_form_message(
            "child_sex", "required", "Select the child's sex, or ‘Not known’"
        ),
        help_text="The child's sex.",
    )
    child_ethnicity = _Choice(
        Ethnicity,
        default=Ethnicity.NOT_KNOWN,
        help_text="The child's ethnicity: the 18 census 2021 categories, or not known.",
    )
    nhs_number_status = _Choice(
        NhsNumberStatus,
        default=None,
        help_text=(
            "Whether an NHS number is given; if not, why not (the child did not live in "
            "England, or the number is not available at the moment). Left out, it is `given` "
            "when child_nhs_number is sent and `not_available` when it is not."
        ),
    )
    child_nhs_number = _Text(
        max_length=14,
        help_text=(
            "The child's NHS number: 10 digits passing the Modulus 11 check; spaces and dashes "
            "are allowed. Required when nhs_number_status is `given`; ignored otherwise."
        ),
    )
    child_address = _Text(max_length=500, help_text="The child's home address (optional).")
    child_postcode = _Text(
        max_length=8,
        help_text="The postcode of the child's home, like LE1 5WW. Blank if not known.",
    )
    gp_practice = _Text(max_length=200, help_text="The child's GP practice (optional).")

    # The death.
    date_of_death = _date(
        "date_of_death",
        "Date of death",
        "Enter the date the child died",
        help_text="The date the child died, YYYY-MM-DD: on or after the date of birth, before "
        "the child's 18th birthday, and today or earlier.",
    )
    time_of_death = serializers.TimeField(
        required=False,
        allow_null=True,
        default=None,
        format="%H:%M",
        input_formats=["%H:%M"],
        error_messages={
            "invalid": _form_message(
                "time_of_death", "invalid", "Enter the time of death like 14:30, or leave it blank"
            ),
        },
        help_text="The time of death, 24-hour clock HH:MM, like 14:30 (optional). Not later "
        "than now when the date of death is today.",
    )
    place_of_death = _Choice(
        PlaceOfDeath, default=PlaceOfDeath.NOT_KNOWN, help_text="Where the child died."
    )
    place_of_death_detail = _Text(
        max_length=300,
        help_text="More about the place of death, for example the hospital's name (optional).",
    )
    expectedness = _Choice(
        Expectedness,
        required_message=_form_message(
            "expectedness",
            "required",
            "Select whether the death was expected, unexpected or not known yet",
        ),
        help_text=(
            "Whether the death was expected. A death is unexpected if it was not anticipated "
            "as a significant possibility 24 hours before, or followed an unexpected collapse "
            "or incident."
        ),
    )
    post_mortem = _Choice(
        YesNoNotKnown,
        default=YesNoNotKnown.NOT_KNOWN,
        help_text="Whether a post-mortem examination is required.",
    )
    coroner_informed = _Choice(
        YesNoNotKnown,
        default=YesNoNotKnown.NOT_KNOWN,
        help_text="Whether the coroner has been informed.",
    )
    circumstances = _Text(
        max_length=5000,
        required_message=_form_message(
            "circumstances", "required", "Enter a short summary of what happened"
        ),
        help_text="A short summary of the circumstances of the death, as far as you know them.",
    )
    ncmd_alert = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true if this death needs the National Child Mortality Database's urgent "
        "attention.",
    )
    ncmd_alert_reason = _Text(
        max_length=1000,
        help_text="Why this death needs NCMD's urgent attention: required when ncmd_alert is "
        "true, ignored otherwise.",
    )

    # Family, household and professionals: free text, one person a line.
    parental_responsibility = _Text(
        max_length=2000,
        help_text="The people with parental responsibility, one a line (optional).",
    )
    other_children = _Text(
        max_length=2000, help_text="Other children in the household, one a line (optional)."
    )
    carer_at_time = _Text(
        max_length=1000, help_text="Who was caring for the child at the time (optional)."
    )
    professionals_involved = _Text(
        max_length=3000,
        help_text="The professionals involved with the child, one a line (optional).",
    )

    # Who is notifying.
    notifier_name = _Text(
        max_length=200,
        required_message=_form_message("notifier_name", "required", "Enter your full name"),
        help_text="The full name of the person notifying.",
    )
    notifier_role = _Text(
        max_length=200,
        required_message=_form_message("notifier_role", "required", "Enter your role"),
        help_text="Their role, for example paediatric registrar.",
    )
    notifier_organisation = _Text(
        max_length=200,
        required_message=_form_message(
            "notifier_organisation", "required", "Enter your organisation"
        ),
        help_text="Their organisation.",
    )
    notifier_email = serializers.EmailField(
        validators=[MaxLengthValidator(254)],
        error_messages={
            **_required("notifier_email", "Enter your work email address"),
            "invalid": _form_message(
                "notifier_email",
                "invalid",
                "Enter an email address in the correct format, like name@example.nhs.uk",
            ),
        },
        help_text="Their work email address.",
    )
    notifier_phone = _Text(
        max_length=40,
        required_message=_form_message(
            "notifier_phone", "required", "Enter a telephone number we can reach you on"
        ),
        help_text="A work telephone number the review team can reach them on.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Strict: a misspelt optional field must not be dropped without a word.
        unknown: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            unknown = {str(key): [UNKNOWN_FIELD] for key in data if key not in self.fields}
        try:
            value: dict[str, Any] = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            # As the web form: the rules between answers are checked too, on the answers that
            # are valid on their own, so that every mistake is reported at once.
            between = {
                name: [message]
                for name, message in self._errors_between(self._valid_part(data)).items()
                if name not in exc.detail
            }
            raise serializers.ValidationError({**between, **exc.detail, **unknown}) from exc
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def validate_child_postcode(self, value: str) -> str:
        return validation.clean_postcode(value)

    def validate_notifier_phone(self, value: str) -> str:
        return clean_telephone(value)

    def _valid_part(self, data: Any) -> dict[str, Any]:
        """The answers that are valid on their own, when some others are not."""
        valid: dict[str, Any] = {}
        if not isinstance(data, Mapping):
            return valid
        for field in self._writable_fields:
            try:
                value = field.run_validation(field.get_value(data))
                check = getattr(self, f"validate_{field.field_name}", None)
                valid[field.source] = check(value) if check else value
            except (serializers.ValidationError, DjangoValidationError, SkipField):
                continue
        return valid

    def _errors_between(self, attrs: dict[str, Any]) -> dict[str, str]:
        """The web form's rules that span answers, with its messages, by field. Settles the
        NHS number and the alert reason in `attrs` as the form does."""
        today = timezone.localdate()
        errors = validation.check_dates(
            born=attrs.get("child_date_of_birth"), died=attrs.get("date_of_death"), today=today
        )
        given = bool(attrs.get("child_nhs_number"))
        status = attrs.get("nhs_number_status") or (
            NhsNumberStatus.GIVEN if given else NhsNumberStatus.NOT_AVAILABLE
        )
        attrs["nhs_number_status"] = status
        if status != NhsNumberStatus.GIVEN:
            attrs["child_nhs_number"] = ""  # as the form: the number goes with the answer given
        else:
            try:
                attrs["child_nhs_number"] = validation.clean_nhs_number(
                    attrs.get("child_nhs_number", "")
                )
            except DjangoValidationError as error:
                errors["child_nhs_number"] = error.messages[0]
            else:
                if not attrs["child_nhs_number"]:
                    errors["child_nhs_number"] = validation.NHS_NUMBER_MISSING
        late = validation.time_of_death_error(
            died=attrs.get("date_of_death"), at=attrs.get("time_of_death")
        )
        if late:
            errors["time_of_death"] = late
        if not attrs.get("ncmd_alert"):
            attrs["ncmd_alert_reason"] = ""
        elif not attrs.get("ncmd_alert_reason"):
            errors["ncmd_alert_reason"] = validation.ALERT_REASON_MISSING
        return errors

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The web form's rules that span answers, with its messages."""
        errors = self._errors_between(attrs)
        if errors:
            raise serializers.ValidationError({k: [v] for k, v in errors.items()})
        return attrs


class NotificationReceiptSerializer(serializers.Serializer):  # type: ignore[misc]
    """What the API answers when it has stored (or already had) a notification."""

    reference = serializers.CharField(
        help_text="The notification's reference, like NTF-7K3Q-9XPA. Quote it to the team."
    )
    received_at = serializers.DateTimeField(help_text="When the notification was received.")
    residence_status = serializers.ChoiceField(
        choices=ResidenceStatus.choices,
        help_text="Where the child normally lived, as far as decided so far.",
    )


class NotificationStatusSerializer(serializers.Serializer):  # type: ignore[misc]
    """That a notification your system sent arrived, and where it is: no case details."""

    reference = serializers.CharField(help_text="The notification's reference.")
    received_at = serializers.DateTimeField(help_text="When the notification was received.")
    status = serializers.ChoiceField(
        choices=Notification.Status.choices,
        help_text="What the review team has done with it so far.",
    )


class ErrorsSerializer(serializers.Serializer):  # type: ignore[misc]
    """400: what to correct, by field name, in the web form's words."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by field name, like {"child_postcode": ["Enter a full UK '
        'postcode, like LE1 5WW, or leave it blank"]}. Problems with the request as a whole '
        "are under non_field_errors.",
    )


class DetailSerializer(serializers.Serializer):  # type: ignore[misc]
    """Any other error (401, 404, 413, 415, 429)."""

    detail = serializers.CharField(help_text="What went wrong and what to do about it.")


def example_submission() -> dict[str, Any]:
    """A complete, valid notification with synthetic values, for the documentation."""
    born, died = date(2024, 3, 27), date(2025, 11, 14)
    return {
        "submission_token": "3f2b8c1e-9d4a-4e6b-8f0a-2c7d5e1b9a34",
        "child_first_name": "Amelia",
        "child_last_name": "Synthetic",
        "child_date_of_birth": born.isoformat(),
        "child_sex": Sex.FEMALE.value,
        "child_ethnicity": Ethnicity.NOT_KNOWN.value,
        "nhs_number_status": NhsNumberStatus.GIVEN.value,
        "child_nhs_number": "9990000018",
        "child_postcode": "LE1 5WW",
        "date_of_death": died.isoformat(),
        "time_of_death": time(14, 5).strftime("%H:%M"),
        "place_of_death": PlaceOfDeath.HOSPITAL_ED.value,
        "expectedness": Expectedness.UNEXPECTED.value,
        "post_mortem": YesNoNotKnown.YES.value,
        "coroner_informed": YesNoNotKnown.YES.value,
        "circumstances": "Found unresponsive at home; taken to hospital by ambulance.",
        "ncmd_alert": False,
        "notifier_name": "Sam Notifier",
        "notifier_role": "Paediatric registrar",
        "notifier_organisation": "Synthetic Hospitals NHS Trust",
        "notifier_email": "sam.notifier@example.invalid",
        "notifier_phone": "0116 496 0000",
    }
