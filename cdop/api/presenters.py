"""The staff API's list rows, built in Python from plain values.

A page of a list is up to 200 rows of a dozen fields. Through DRF's serializers each field of
each row looked up its source attribute by attribute (inspecting every attribute to see
whether to call it), and each row was a model instance with every column read and the
child's names and NHS number decrypted though no list shows them: about two thirds of the
request. Here a row is one dict built from the few columns it shows (one tuple each, read
in one fixed statement, PageRows), with exactly the values the serializers give: the
same keys in the same order, dates and times in the same ISO 8601 forms (UK time, "Z" for
UTC), the same nulls. The serializers in staff_serializers stay the shape the schema
publishes and what a single record is read through; tests hold each row here equal to its
serializer's output.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cdop.actions.models import OPEN_STATUSES
from cdop.api.staff_serializers import age_band
from cdop.cases.workflow import Status
from cdop.core.db import db_date, db_datetime, fetch_rows

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


@dataclass(frozen=True)
class PageRows:
    """A page's rows in one statement whose text is fixed: the columns a row shows (the
    area's id first, for the audit) from the list's table (`t`) and what it joins, for the
    ids the list's own query picked (its SQL, from the ORM, as a subquery), in the list's
    own order. Building the rows' query through the ORM (a subquery, two joins, a dozen
    columns) cost about twice what the database took to answer it.

    `dates` and `datetimes`: the positions of the columns to read as the ORM reads them."""

    select: str
    dates: tuple[int, ...]
    datetimes: tuple[int, ...]

    def fetch(self, ids: QuerySet[Any, Any], order: QuerySet[Any]) -> list[Row]:
        """The rows of the ids (a values_list("pk") queryset, sliced to the page), in the
        order of `order` (the list's queryset)."""
        inner, params = ids.query.sql_with_params()
        sql = f"{self.select} WHERE t.id IN ({inner}) ORDER BY {_order_by(order)}"
        rows = []
        for found in fetch_rows(sql, params):
            row = list(found)
            for i in self.dates:
                row[i] = db_date(row[i])
            for i in self.datetimes:
                row[i] = db_datetime(row[i])
            rows.append(tuple(row))
        return rows


def _order_by(queryset: QuerySet[Any]) -> str:
    """The queryset's order (field names, as the staff lists' selectors give it) as columns
    of `t`, so that the page's statement keeps whatever order the selector says."""
    meta = queryset.model._meta
    quote_name = connection.ops.quote_name
    terms = []
    for name in queryset.query.order_by:
        if not isinstance(name, str):
            raise TypeError(f"The list is ordered by an expression ({name!r}), not a field")
        field = name.removeprefix("-")
        column = meta.pk.column if field == "pk" else meta.get_field(field).column
        terms.append(f"t.{quote_name(column)} {'DESC' if name.startswith('-') else 'ASC'}")
    return ", ".join(terms)


# --- Cases -------------------------------------------------------------------------------------

# What a case's row reads, in order (CaseSummarySerializer's fields, from these).
CASE_PAGE = PageRows(
    select="SELECT t.area_id, t.reference, a.slug, t.status, t.status_changed_at, t.opened_at,"
    " t.finalised_at, t.date_of_death, t.child_date_of_birth, t.child_sex, t.expectedness,"
    " u.full_name FROM cases_case t JOIN areas_area a ON a.id = t.area_id"
    " LEFT JOIN accounts_user u ON u.id = t.key_worker_id",
    dates=(7, 8),
    datetimes=(4, 5, 6),
)


def case_rows(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """CaseSummarySerializer's output for each row of CASE_PAGE (after the area's id)."""
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

NOTIFICATION_PAGE = PageRows(
    select="SELECT t.area_id, t.reference, a.slug, t.received_at, t.status, c.reference,"
    " t.api_client_id, t.date_of_death, t.child_date_of_birth, t.child_sex, t.expectedness,"
    " t.place_of_death, t.residence_status, t.jar_required, t.ncmd_alert,"
    " t.notifier_organisation FROM notifications_notification t"
    " JOIN areas_area a ON a.id = t.area_id LEFT JOIN cases_case c ON c.id = t.case_id",
    dates=(7, 8),
    datetimes=(3,),
)


def notification_rows(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """NotificationSummarySerializer's output for each row of NOTIFICATION_PAGE (after the
    area's id)."""
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

ACTION_PAGE = PageRows(
    select="SELECT t.area_id, t.id, c.reference, a.slug, t.description, t.category,"
    " t.owner_organisation_id, o.name, t.owner_name, t.owner_email, t.due_on, t.status,"
    " t.closed_on, t.created_at, t.updated_at FROM actions_action t"
    " JOIN cases_case c ON c.id = t.case_id JOIN areas_area a ON a.id = t.area_id"
    " LEFT JOIN agencies_organisation o ON o.id = t.owner_organisation_id",
    dates=(10, 12),
    datetimes=(13, 14),
)


def action_rows(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """ActionSummarySerializer's output for each row of ACTION_PAGE (after the area's id)."""
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
