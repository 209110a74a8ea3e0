"""The staff API's query parameters, checked before anything is read.

Every list takes the same few filters an analyst needs (area, status, dates, changed since);
a value that is not understood, or a parameter the list does not know, is refused with a 400
that says what to send instead — never quietly ignored, so that a misspelt filter cannot
return every row as if it had been applied.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from cdop.actions.models import ActionStatus
from cdop.areas.models import Area
from cdop.cases.models import Expectedness
from cdop.cases.workflow import Status
from cdop.notifications.models import Notification

# Dates outside these years are mistakes, and would overflow a time zone conversion.
FIRST_YEAR, LAST_YEAR = 1900, 2100
UNKNOWN_PARAMETER = (
    "This list has no such filter. Check its spelling against the API documentation."
)
# Understood by every list: paging (cdop.api.pagination) and DRF's own ?format=json.
_ALWAYS_ALLOWED = frozenset({"page", "page_size", "format"})


def _date(name: str, help_text: str) -> serializers.DateField:
    return serializers.DateField(
        required=False,
        input_formats=["iso-8601"],
        help_text=help_text,
        error_messages={
            "invalid": f"{name} must be a real date, written as YYYY-MM-DD, like 2026-03-27",
            "datetime": f"{name} must be a date without a time, written as YYYY-MM-DD",
        },
    )


class _Filters(serializers.Serializer):  # type: ignore[misc]
    """What every list of case data can be narrowed to."""

    area = serializers.SlugField(
        required=False,
        max_length=50,
        help_text="One area, by the short name in its web addresses, like llr.",
        error_messages={
            "invalid": "area must be an area's short name, like llr: letters, numbers and "
            "hyphens only",
            "max_length": "area must be an area's short name, like llr (at most 50 characters)",
        },
    )
    updated_since = serializers.DateTimeField(
        required=False,
        help_text=(
            "Only rows created or changed at or after this time, ISO 8601, like "
            "2026-03-27T09:00:00Z (a time without an offset is UK time). For fetching only "
            "what changed since the last run."
        ),
        error_messages={
            "invalid": "updated_since must be a date and time written as ISO 8601, like "
            "2026-03-27T09:00:00Z",
            "overflow": f"updated_since must be between {FIRST_YEAR} and {LAST_YEAR}",
        },
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        unknown: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            unknown = {
                str(key): [UNKNOWN_PARAMETER]
                for key in data
                if key not in self.fields and key not in _ALWAYS_ALLOWED
            }
        try:
            value: dict[str, Any] = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def validate_area(self, value: str) -> Area:
        area = Area.objects.filter(slug=value).first()
        if area is None:
            raise serializers.ValidationError(
                f"There is no area ‘{value}’. Use the short name in the area's web addresses, "
                "like llr."
            )
        return area

    def validate_updated_since(self, value: datetime.datetime) -> datetime.datetime:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise serializers.ValidationError(
                f"updated_since must be between {FIRST_YEAR} and {LAST_YEAR}"
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for name, value in attrs.items():
            is_date = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
            if is_date and not FIRST_YEAR <= value.year <= LAST_YEAR:
                errors[name] = [f"{name} must be between {FIRST_YEAR} and {LAST_YEAR}"]
        for start, end in self.ranges:
            if attrs.get(start) and attrs.get(end) and attrs[start] > attrs[end]:
                errors.setdefault(end, []).append(f"{end} must be the same as or after {start}")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    ranges: tuple[tuple[str, str], ...] = ()


def _statuses(choices: Any, what: str) -> serializers.MultipleChoiceField:
    values = ", ".join(value for value, _label in choices)
    return serializers.MultipleChoiceField(
        choices=choices,
        required=False,
        help_text=f"Only {what} in these statuses; repeat it for more than one "
        "(status=a&status=b).",
        error_messages={
            "invalid_choice": f"status must be one of: {values}. ‘{{input}}’ is not one of them",
        },
    )


def _expectedness() -> serializers.ChoiceField:
    values = ", ".join(Expectedness.values)
    return serializers.ChoiceField(
        choices=Expectedness.choices,
        required=False,
        help_text="Only expected, unexpected, or not yet known deaths.",
        error_messages={
            "invalid_choice": f"expectedness must be one of: {values}. ‘{{input}}’ is not one "
            "of them"
        },
    )


class CaseFilterSerializer(_Filters):
    status = _statuses(Status.choices, "cases")
    expectedness = _expectedness()
    date_of_death_from = _date("date_of_death_from", "Only children who died on or after this day.")
    date_of_death_to = _date("date_of_death_to", "Only children who died on or before this day.")

    ranges = (("date_of_death_from", "date_of_death_to"),)


class NotificationFilterSerializer(_Filters):
    status = _statuses(Notification.Status.choices, "notifications")
    expectedness = _expectedness()
    date_of_death_from = _date("date_of_death_from", "Only children who died on or after this day.")
    date_of_death_to = _date("date_of_death_to", "Only children who died on or before this day.")
    received_from = _date("received_from", "Only notifications received on or after this day.")
    received_to = _date("received_to", "Only notifications received on or before this day.")

    ranges = (("date_of_death_from", "date_of_death_to"), ("received_from", "received_to"))


class ActionFilterSerializer(_Filters):
    status = _statuses(ActionStatus.choices, "actions")
    overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: only open actions whose due date has passed.",
        error_messages={"invalid": "overdue must be true or false"},
    )
    due_from = _date("due_from", "Only actions due on or after this day.")
    due_to = _date("due_to", "Only actions due on or before this day.")
    case = serializers.RegexField(
        r"^[A-Za-z0-9-]{1,24}$",
        required=False,
        help_text="Only the actions of this case, by its reference, like LLR-2026-0042.",
        error_messages={"invalid": "case must be a case reference, like LLR-2026-0042"},
    )

    ranges = (("due_from", "due_to"),)


class StatisticsFilterSerializer(_Filters):
    # Statistics count rows; they do not list them, so "changed since" means nothing here.
    updated_since = None
    reporting_year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=LAST_YEAR,
        help_text="The reporting year (1 April to 31 March) by the year it starts, like 2025 "
        "for April 2025 to March 2026. The current one unless given.",
        error_messages={
            "invalid": "reporting_year must be a year, like 2025",
            "min_value": "reporting_year must be 2000 or later",
            "max_value": f"reporting_year must be {LAST_YEAR} or earlier",
            "max_string_length": "reporting_year must be a year, like 2025",
        },
    )


@dataclass(frozen=True, kw_only=True)
class StaffFilters:
    """The checked filters, as the selectors take them."""

    area_id: int | None = None
    statuses: tuple[str, ...] = ()
    expectedness: str = ""
    updated_since: datetime.datetime | None = None
    died_from: datetime.date | None = None
    died_to: datetime.date | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    overdue: bool = False
    case_reference: str = ""


def staff_filters_checked(
    serializer_class: type[serializers.Serializer], params: Mapping[str, Any]
) -> StaffFilters:
    """The filters of a list's query string, checked by the list's filter serializer (a 400
    for anything it refuses). A query string of paging alone, or none, names no filter, and
    is not put through the serializer: making its dozen fields for nothing cost more than
    the list's own query (the answer is the same: no filters)."""
    if params.keys() <= _ALWAYS_ALLOWED:
        return StaffFilters()
    checked = serializer_class(data=params)
    checked.is_valid(raise_exception=True)
    return staff_filters(checked.validated_data)


def staff_filters(data: dict[str, Any]) -> StaffFilters:
    area = data.get("area")
    return StaffFilters(
        area_id=area.pk if area is not None else None,
        statuses=tuple(sorted(data.get("status") or ())),
        expectedness=data.get("expectedness") or "",
        updated_since=data.get("updated_since"),
        died_from=data.get("date_of_death_from"),
        died_to=data.get("date_of_death_to"),
        received_from=data.get("received_from"),
        received_to=data.get("received_to"),
        due_from=data.get("due_from"),
        due_to=data.get("due_to"),
        overdue=bool(data.get("overdue")),
        case_reference=(data.get("case") or "").upper(),
    )


class AnnualReportFilterSerializer(_Filters):
    """The annual report's area and period, checked as the report's page checks them."""

    updated_since = None
    area = serializers.SlugField(
        max_length=50,
        help_text="The area, by the short name in its web addresses, like llr.",
        error_messages={
            "required": "Give the area, like area=llr",
            "invalid": "area must be an area's short name, like llr: letters, numbers and "
            "hyphens only",
            "max_length": "area must be an area's short name, like llr (at most 50 characters)",
        },
    )
    date_from = _date(
        "date_from",
        "The first day of the period. With date_to; both left out: the last complete year "
        "to 31 March.",
    )
    date_to = _date("date_to", "The last day of the period (at most 5 years after date_from).")

    ranges = (("date_from", "date_to"),)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from cdop.reporting.annual import MAX_PERIOD_DAYS

        attrs = super().validate(attrs)
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if (start is None) != (end is None):
            missing = "date_to" if end is None else "date_from"
            raise serializers.ValidationError(
                {missing: ["Give both date_from and date_to, or neither for the last year"]}
            )
        if start and end:
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise serializers.ValidationError(
                    {"date_to": ["The period must be 5 years or shorter"]}
                )
            if start.year < 1990:
                raise serializers.ValidationError(
                    {"date_from": ["The start of the period must be in 1990 or later"]}
                )
        return attrs
