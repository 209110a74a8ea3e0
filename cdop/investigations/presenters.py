"""Events as rows to read: the form's own labels, the values in words."""

from __future__ import annotations

import re
from datetime import date

from cdop.investigations.kinds import kind_of
from cdop.investigations.models import (
    CaseEvent,
    CoronerReferral,
    Inquest,
    MedicalExaminerReview,
    PostMortem,
    PostMortemType,
)

_OPTIONAL = re.compile(r"\s*\((optional|needed for [^)]*|optional until [^)]*)\)$")


def _label(text: str) -> str:
    return _OPTIONAL.sub("", text)


def event_rows(event: CaseEvent) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for name, field in kind_of(event).form.base_fields.items():
        value = getattr(event, name)
        display = getattr(event, f"get_{name}_display", None)
        if isinstance(value, bool):
            shown = "Yes" if value else "No"
        elif isinstance(value, date):
            shown = f"{value.day} {value:%B %Y}"
        elif display is not None and value:
            shown = str(display())
        else:
            shown = str(value or "")
        if not shown:
            shown = "Not recorded"
        rows.append((_label(str(field.label)), shown))
    return rows


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def event_summary(event: CaseEvent) -> str:
    """Where the event stands, in one line for the case page."""
    if isinstance(event, CoronerReferral):
        office = f" ({event.coroner_office})" if event.coroner_office else ""
        decided = f", {_day(event.decision_on)}" if event.decision_on else ""
        return (
            f"Informed {_day(event.informed_on)}{office}. Decision: "
            f"{event.get_decision_display().lower()}{decided}."
        )
    if isinstance(event, PostMortem):
        if event.pm_type == PostMortemType.NONE:
            return "No post-mortem."
        kind = event.get_pm_type_display().split(" (")[0]
        if event.report_received_on:
            return f"{kind} post-mortem; report received {_day(event.report_received_on)}."
        done = f", performed {_day(event.performed_on)}" if event.performed_on else ""
        return f"{kind} post-mortem{done}; report awaited since {_day(event.awaited_since)}."
    if isinstance(event, Inquest):
        if event.concluded_on:
            return f"Concluded {_day(event.concluded_on)}: {event.get_conclusion_display()}."
        if event.resumed_on:
            return f"Opened {_day(event.opened_on)}, resumed {_day(event.resumed_on)}."
        if event.adjourned_on:
            return f"Opened {_day(event.opened_on)}, adjourned {_day(event.adjourned_on)}."
        return f"Opened {_day(event.opened_on)}."
    if isinstance(event, MedicalExaminerReview):
        mccd = f" MCCD issued {_day(event.mccd_issued_on)}." if event.mccd_issued_on else ""
        return f"Reviewed {_day(event.reviewed_on)}: {event.get_outcome_display()}.{mccd}"
    raise TypeError(type(event))  # pragma: no cover


def event_dates(event: CaseEvent) -> list[tuple[date, str, str]]:
    """The dated moments of an event for the chronology: (date, title, detail)."""
    moments: list[tuple[date | None, str, str]] = []
    if isinstance(event, CoronerReferral):
        moments = [
            (event.informed_on, "Coroner informed", event.coroner_office),
            (
                event.decision_on,
                f"Coroner's decision: {event.get_decision_display().lower()}",
                "",
            ),
        ]
    elif isinstance(event, PostMortem):
        kind = event.get_pm_type_display()
        moments = [
            (event.requested_on, "Post-mortem requested", kind),
            (event.performed_on, "Post-mortem performed", kind),
            (event.report_received_on, "Post-mortem report received", event.cause_of_death),
        ]
    elif isinstance(event, Inquest):
        moments = [
            (event.opened_on, "Inquest opened", ""),
            (event.adjourned_on, "Inquest adjourned", ""),
            (event.resumed_on, "Inquest resumed", ""),
            (
                event.concluded_on,
                f"Inquest concluded: {event.get_conclusion_display()}",
                event.conclusion_text,
            ),
        ]
    elif isinstance(event, MedicalExaminerReview):
        moments = [
            (
                event.reviewed_on,
                f"Medical Examiner review: {event.get_outcome_display()}",
                event.cause_of_death_proposed,
            ),
            (event.mccd_issued_on, "Medical certificate of cause of death issued", ""),
        ]
    return [(day, title, detail) for day, title, detail in moments if day is not None]
