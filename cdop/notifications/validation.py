"""The rules a notification must meet, shared by the web form and the API.

Each function cleans one thing and raises ValidationError with a message written for the
person who typed it (GOV.UK style: what is wrong and how to fix it).
"""

from __future__ import annotations

import re
from datetime import date, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from nhs_number import is_valid as nhs_number_is_valid  # type: ignore[attr-defined]

# Rules between two answers, in the words both the form and the API use.
NHS_NUMBER_MISSING = "Enter the child's NHS number, or say why you cannot give it"
ALERT_REASON_MISSING = "Enter why this death needs urgent attention"

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def clean_nhs_number(raw: str) -> str:
    """10 digits passing Modulus 11; spaces and dashes are allowed. Blank stays blank."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError("NHS number must be 10 digits, like 999 123 4567")
    if not nhs_number_is_valid(digits):
        raise ValidationError("This is not a valid NHS number: check each digit, or leave it blank")
    return digits


def clean_postcode(raw: str) -> str:
    """A full UK postcode in its usual form ("LE1 5WW"). Blank stays blank."""
    compact = re.sub(r"\s", "", raw or "").upper()
    if not compact:
        return ""
    if not _POSTCODE.match(compact):
        raise ValidationError("Enter a full UK postcode, like LE1 5WW, or leave it blank")
    return f"{compact[:-3]} {compact[-3:]}"


def years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def check_dates(*, born: date | None, died: date | None, today: date) -> dict[str, str]:
    """Errors by field name for the child's dates: none in the future, death not before
    birth, and the child under 18 on the day they died."""
    errors: dict[str, str] = {}
    if born and born > today:
        errors["child_date_of_birth"] = "Date of birth must be today or in the past"
    if died and died > today:
        errors["date_of_death"] = "Date of death must be today or in the past"
    if born and died and "date_of_death" not in errors:
        if died < born:
            errors["date_of_death"] = "Date of death must be on or after the date of birth"
        elif years_between(born, died) >= 18:
            errors["date_of_death"] = (
                "The child was 18 or older on the date of death. Child death reviews cover "
                "children under 18; adult deaths are reviewed by other processes."
            )
    return errors


def time_of_death_error(*, died: date | None, at: time | None) -> str | None:
    """A time of death later than now on today's date, or None."""
    today = timezone.localdate()
    if died == today and at is not None and at > timezone.localtime().time():
        return "Time of death must be now or in the past"
    return None
