"""The rules of safeguarding records, shared by the forms and the services (which refuse the
first broken rule with a DomainError)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cdop.safeguarding.models import Recipient

Errors = dict[str, str]

# Referrals that belong to a serious incident (abuse or neglect known or suspected).
SERIOUS_INCIDENT_RECIPIENTS = frozenset({Recipient.SERIOUS_INCIDENT, Recipient.RAPID_REVIEW})


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _past(errors: Errors, values: Mapping[str, Any], field: str, label: str, today: date) -> None:
    value = values.get(field)
    if value is not None and value > today and field not in errors:
        errors[field] = f"{label} must be today or in the past"


def _not_before(
    errors: Errors, values: Mapping[str, Any], field: str, earliest: date | None, message: str
) -> None:
    value = values.get(field)
    if value is not None and earliest is not None and value < earliest and field not in errors:
        errors[field] = message


def check_concern(values: Mapping[str, Any], *, born: date, today: date) -> Errors:
    errors: Errors = {}
    _past(errors, values, "raised_on", "The date the concern was raised", today)
    _past(errors, values, "closed_on", "The date the concern was closed", today)
    _not_before(
        errors,
        values,
        "raised_on",
        born,
        f"The date the concern was raised must be on or after the child's date of birth "
        f"({_day(born)})",
    )
    _not_before(
        errors,
        values,
        "closed_on",
        values.get("raised_on"),
        "The date the concern was closed must be on or after the date it was raised",
    )
    return errors


def check_unflagging(*, abuse_or_neglect: bool, serious_referrals: int) -> Errors:
    if not abuse_or_neglect and serious_referrals:
        return {
            "abuse_or_neglect": "This concern has a serious incident notification or a rapid "
            "review recorded, so abuse or neglect must stay marked as known or suspected"
        }
    return {}


def check_referral(
    values: Mapping[str, Any], *, raised_on: date, abuse_or_neglect: bool, today: date
) -> Errors:
    errors: Errors = {}
    _past(errors, values, "sent_on", "The date the referral was sent", today)
    _past(errors, values, "decision_on", "The date of the decision", today)
    _not_before(
        errors,
        values,
        "sent_on",
        raised_on,
        f"The date the referral was sent must be on or after the date the concern was raised "
        f"({_day(raised_on)})",
    )
    _not_before(
        errors,
        values,
        "decision_on",
        values.get("sent_on"),
        "The date of the decision must be on or after the date the referral was sent",
    )
    if values.get("decision_on") and not (values.get("decision") or "").strip():
        errors.setdefault("decision", "Enter the decision, or remove the date of the decision")
    if values.get("recipient") in SERIOUS_INCIDENT_RECIPIENTS and not abuse_or_neglect:
        errors["recipient"] = (
            "A serious incident notification or rapid review is for a death where abuse or "
            "neglect is known or suspected: mark the concern as such first, or choose the "
            "Safeguarding Children Partnership"
        )
    return errors


def check_profile(values: Mapping[str, Any], *, died: date, today: date) -> Errors:
    errors: Errors = {}
    date_given = values.get("ofsted_notified_on") is not None
    by_given = bool((values.get("ofsted_notified_by") or "").strip())
    reference_given = bool((values.get("ofsted_reference") or "").strip())
    if not values.get("looked_after"):
        if date_given or by_given or reference_given:
            errors["looked_after"] = (
                "Only the death of a looked-after child is notified to Ofsted here: answer yes, "
                "or remove the notification details"
            )
        return errors
    _past(errors, values, "ofsted_notified_on", "The date of the notification", today)
    _not_before(
        errors,
        values,
        "ofsted_notified_on",
        died,
        f"The date of the notification must be on or after the date of death ({_day(died)})",
    )
    if date_given and not by_given:
        errors["ofsted_notified_by"] = "Enter who notified Ofsted and the Secretary of State"
    if (by_given or reference_given) and not date_given:
        errors["ofsted_notified_on"] = (
            "Enter the date Ofsted and the Secretary of State were notified"
        )
    return errors
