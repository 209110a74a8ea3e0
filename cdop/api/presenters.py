"""The staff API's list rows, built in Python from plain values.

A page of a list is up to 200 rows of a dozen fields. Through DRF's serializers each field of
each row looked up its source attribute by attribute (inspecting every attribute to see
whether to call it), and each row was a model instance with every column read and the
child's names and NHS number decrypted though no list shows them: about two thirds of the
request. Here a row is one dict built from the few columns it shows (one tuple each, read
by the pagination in the list's order), with exactly the values the serializers give: the
same keys in the same order, dates and times in the same ISO 8601 forms (UK time, "Z" for
UTC), the same nulls. The serializers in staff_serializers stay the shape the schema
publishes and what a single record is read through; tests hold each row here equal to its
serializer's output.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cdop.actions.models import OPEN_STATUSES
from cdop.api.staff_serializers import age_band
from cdop.cases.workflow import Status

_STATUS_LABELS: dict[str, str] = {value: str(label) for value, label in Status.choices}
# A reference that reverse() would put in a path unchanged (it quotes anything else).
_PLAIN = re.compile(r"^[A-Za-z0-9-]+$")
_SENTINEL = "REFERENCE-SENTINEL"

Row = tuple[Any, ...]
RowBuilder = Callable[[Sequence[Row]], list[dict[str, Any]]]


def iso_datetime(value: datetime.datetime | None, tz: datetime.tzinfo) -> str | None:
    """As DRF's DateTimeField shows it: in the current time zone, ISO 8601, UTC as "Z"."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _paths(name: str) -> Callable[[str], str]:
    """The page of a record by its reference, as get_absolute_url gives it: reversed once a
    page rather than once a row (any reference that would need quoting is reversed)."""
    prefix, _, suffix = reverse(name, kwargs={"reference": _SENTINEL}).partition(_SENTINEL)

    def path(reference: str) -> str:
        if _PLAIN.match(reference):
            return f"{prefix}{reference}{suffix}"
        return reverse(name, kwargs={"reference": reference})

    return path


# --- Cases -------------------------------------------------------------------------------------

# What a case's row reads, in order (CaseSummarySerializer's fields, from these).
CASE_COLUMNS = (
    "reference",
    "area__slug",
    "status",
    "status_changed_at",
    "opened_at",
    "finalised_at",
    "date_of_death",
    "child_date_of_birth",
    "child_sex",
    "expectedness",
    "key_worker__full_name",
)


def case_rows(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """CaseSummarySerializer's output for each row of CASE_COLUMNS."""
    tz = timezone.get_current_timezone()
    path = _paths("cases:detail")
    return [
        {
            "reference": str(reference),
            "area": str(area),
            "status": status,
            "status_label": _STATUS_LABELS.get(status, status),
            "status_changed_at": iso_datetime(changed, tz),
            "opened_at": iso_datetime(opened, tz),
            "finalised_at": iso_datetime(finalised, tz),
            "date_of_death": iso_date(died),
            "age_band": age_band(born, died),
            "child_sex": sex,
            "expectedness": expectedness,
            "key_worker": None if key_worker is None else str(key_worker),
            "web_url": path(reference),
        }
        for (
            reference,
            area,
            status,
            changed,
            opened,
            finalised,
            died,
            born,
            sex,
            expectedness,
            key_worker,
        ) in rows
    ]


# --- Notifications -----------------------------------------------------------------------------

NOTIFICATION_COLUMNS = (
    "reference",
    "area__slug",
    "received_at",
    "status",
    "case__reference",
    "api_client_id",
    "date_of_death",
    "child_date_of_birth",
    "child_sex",
    "expectedness",
    "place_of_death",
    "residence_status",
    "jar_required",
    "ncmd_alert",
    "notifier_organisation",
)


def notification_rows(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """NotificationSummarySerializer's output for each row of NOTIFICATION_COLUMNS."""
    tz = timezone.get_current_timezone()
    path = _paths("notifications:detail")
    return [
        {
            "reference": str(reference),
            "area": str(area),
            "received_at": iso_datetime(received, tz),
            "status": status,
            "case": None if case is None else str(case),
            "source": "api" if api_client_id is not None else "web_form",
            "date_of_death": iso_date(died),
            "age_band": age_band(born, died),
            "child_sex": sex,
            "expectedness": expectedness,
            "place_of_death": place,
            "residence_status": residence,
            "jar_required": bool(jar),
            "ncmd_alert": bool(alert),
            "notifier_organisation": str(organisation),
            "web_url": path(reference),
        }
        for (
            reference,
            area,
            received,
            status,
            case,
            api_client_id,
            died,
            born,
            sex,
            expectedness,
            place,
            residence,
            jar,
            alert,
            organisation,
        ) in rows
    ]


# --- Actions -----------------------------------------------------------------------------------

ACTION_COLUMNS = (
    "pk",
    "case__reference",
    "area__slug",
    "description",
    "category",
    "owner_organisation_id",
    "owner_organisation__name",
    "owner_name",
    "owner_email",
    "due_on",
    "status",
    "closed_on",
    "created_at",
    "updated_at",
)


def action_rows(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """ActionSummarySerializer's output for each row of ACTION_COLUMNS."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    return [
        {
            "id": int(pk),
            "number": f"ACT-{pk:05d}",
            "case": str(case),
            "area": str(area),
            "description": str(description),
            "category": str(category),
            "owner": str(organisation if organisation_id is not None else owner_name),
            "owner_email": str(owner_email),
            "due_on": iso_date(due_on),
            "status": status,
            "overdue": status in OPEN_STATUSES and due_on < today,
            "closed_on": iso_date(closed_on),
            "created_at": iso_datetime(created_at, tz),
            "updated_at": iso_datetime(updated_at, tz),
        }
        for (
            pk,
            case,
            area,
            description,
            category,
            organisation_id,
            organisation,
            owner_name,
            owner_email,
            due_on,
            status,
            closed_on,
            created_at,
            updated_at,
        ) in rows
    ]
