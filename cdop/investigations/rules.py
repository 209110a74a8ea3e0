"""The rules of each kind of event, in one place for the forms and the services.

Each check returns {field: message}; the forms show every message next to its field, and the
services refuse the first with a DomainError, so a caller that skips the form (a command, a
later API) is held to the same rules with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cdop.investigations.models import InquestConclusion, PostMortemType

Errors = dict[str, str]


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def check_dates(
    values: Mapping[str, Any], *, labels: Mapping[str, str], died: date, today: date
) -> Errors:
    """Every date happened: not in the future, and not before the child died."""
    errors: Errors = {}
    for field, label in labels.items():
        value = values.get(field)
        if value is None:
            continue
        if value > today:
            errors[field] = f"{label} must be today or in the past"
        elif value < died:
            errors[field] = f"{label} must be on or after the date of death ({_day(died)})"
    return errors


def _after(
    errors: Errors, values: Mapping[str, Any], later: str, earlier: str, message: str
) -> None:
    if later in errors or earlier in errors:
        return
    first, then = values.get(earlier), values.get(later)
    if first is not None and then is not None and then < first:
        errors[later] = message


CORONER_DATES = {
    "informed_on": "The date the coroner was informed",
    "decision_on": "The date of the coroner's decision",
}


def check_coroner(values: Mapping[str, Any], *, died: date, today: date) -> Errors:
    errors = check_dates(values, labels=CORONER_DATES, died=died, today=today)
    _after(
        errors,
        values,
        "decision_on",
        "informed_on",
        "The date of the coroner's decision must be on or after the date they were informed",
    )
    if values.get("decision_on") and values.get("decision") in (None, "", "not_known"):
        errors.setdefault(
            "decision", "Select the coroner's decision, or remove the date of the decision"
        )
    return errors


POST_MORTEM_DATES = {
    "requested_on": "The date the post-mortem was requested",
    "performed_on": "The date the post-mortem was performed",
    "report_received_on": "The date the report was received",
}


def check_post_mortem(values: Mapping[str, Any], *, died: date, today: date) -> Errors:
    errors = check_dates(values, labels=POST_MORTEM_DATES, died=died, today=today)
    if values.get("pm_type") == PostMortemType.NONE:
        for field, what in (
            ("performed_on", "the date performed"),
            ("report_received_on", "the date the report was received"),
        ):
            if values.get(field) is not None:
                errors[field] = (
                    f"There was no post-mortem, so remove {what} (or choose the type of "
                    "post-mortem that was done)"
                )
        return errors
    _after(
        errors,
        values,
        "performed_on",
        "requested_on",
        "The date the post-mortem was performed must be on or after the date it was requested",
    )
    if values.get("report_received_on") is not None and "report_received_on" not in errors:
        if values.get("performed_on") is None:
            errors["performed_on"] = (
                "Enter the date the post-mortem was performed: a report has been received"
            )
        else:
            _after(
                errors,
                values,
                "report_received_on",
                "performed_on",
                "The date the report was received must be on or after the date the "
                "post-mortem was performed",
            )
    return errors


INQUEST_DATES = {
    "opened_on": "The date the inquest opened",
    "adjourned_on": "The date the inquest was adjourned",
    "resumed_on": "The date the inquest resumed",
    "concluded_on": "The date the inquest concluded",
}


def check_inquest(values: Mapping[str, Any], *, died: date, today: date) -> Errors:
    errors = check_dates(values, labels=INQUEST_DATES, died=died, today=today)
    _after(
        errors,
        values,
        "adjourned_on",
        "opened_on",
        "The date the inquest was adjourned must be on or after the date it opened",
    )
    if values.get("resumed_on") is not None and values.get("adjourned_on") is None:
        errors.setdefault(
            "adjourned_on", "Enter the date the inquest was adjourned: it has resumed"
        )
    _after(
        errors,
        values,
        "resumed_on",
        "adjourned_on",
        "The date the inquest resumed must be on or after the date it was adjourned",
    )
    for earlier, word in (
        ("opened_on", "opened"),
        ("adjourned_on", "was adjourned"),
        ("resumed_on", "resumed"),
    ):
        _after(
            errors,
            values,
            "concluded_on",
            earlier,
            f"The date the inquest concluded must be on or after the date it {word}",
        )
    concluded = values.get("concluded_on") is not None
    conclusion = values.get("conclusion") or ""
    if concluded and not conclusion:
        errors.setdefault("conclusion", "Select the inquest's conclusion")
    if conclusion and not concluded and "concluded_on" not in errors:
        errors["concluded_on"] = "Enter the date the inquest concluded, or remove the conclusion"
    narrative = (values.get("conclusion_text") or "").strip()
    if conclusion == InquestConclusion.NARRATIVE and not narrative:
        errors["conclusion_text"] = "Enter the coroner's narrative conclusion"
    return errors


MEDICAL_EXAMINER_DATES = {
    "reviewed_on": "The date of the Medical Examiner's review",
    "mccd_issued_on": "The date the MCCD was issued",
}


def check_medical_examiner(values: Mapping[str, Any], *, died: date, today: date) -> Errors:
    errors = check_dates(values, labels=MEDICAL_EXAMINER_DATES, died=died, today=today)
    _after(
        errors,
        values,
        "mccd_issued_on",
        "reviewed_on",
        "The date the MCCD was issued must be on or after the date of the review",
    )
    return errors
