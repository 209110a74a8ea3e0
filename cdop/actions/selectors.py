"""Reading actions: one case's, the tracker across cases and years, one action's history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.actions.models import (
    OPEN_STATUSES,
    Action,
    ActionReminder,
    ActionStatusChange,
    FamilyFeedback,
)
from cdop.agencies.models import Organisation
from cdop.cases.models import Case
from cdop.core.db import db_date, db_datetime, fetch_rows
from cdop.core.kept import kept_forget, kept_pending
from cdop.safeguarding.models import Recipient, SafeguardingReferral

# What a row of a list needs, and nothing more.
_ROW_FIELDS = (
    "pk",
    "case_id",
    "area_id",
    "description",
    "category",
    "owner_organisation_id",
    "owner_organisation__name",
    "owner_name",
    "owner_email",
    "due_on",
    "status",
    "closed_on",
    "evidence",
    "created_at",
    "case__reference",
)


def actions_for_case(*, case: Case) -> list[Action]:
    """The case's actions, open ones by due date first (one query)."""
    return sorted(
        Action.objects.filter(case=case).select_related("owner_organisation", "recommendation"),
        key=lambda a: (a.status not in OPEN_STATUSES, a.due_on, a.pk),
    )


def action_get_for_user(*, user: User, pk: int) -> Action:
    """One action, or a 404 for anyone who may not read its case in full (a key worker, the
    panel, another area): the tracker's readers."""
    action = (
        Action.objects.select_related(
            "case", "case__area", "owner_organisation", "recommendation", "evidence_document"
        )
        .filter(pk=pk)
        .first()
    )
    if action is None or not permissions.can_view_case(user, action.case):
        raise Http404("No such action")
    if not permissions.roles_in_area(user, action.area_id) & permissions.ACTION_TRACKER_READERS:
        raise Http404("No such action")
    return action


def action_history(*, action: Action) -> list[ActionStatusChange]:
    return list(action.status_changes.select_related("by").order_by("at", "pk"))


def action_reminders(*, action: Action) -> list[ActionReminder]:
    return list(action.reminders.order_by("sent_at", "pk"))


def recommendation_choices(*, case: Case) -> list[tuple[int, str]]:
    """The panel's recommendations for the case, to turn into actions (one query)."""
    from cdop.analysis.models import Recommendation

    return [
        (pk, f"{position}. {text[:120]}")
        for pk, position, text in Recommendation.objects.filter(analysis__case=case)
        .order_by("position", "pk")
        .values_list("pk", "position", "text")
    ]


def organisation_choices(*, area_ids: list[int]) -> list[tuple[int, str]]:
    return list(
        Organisation.objects.filter(area_id__in=area_ids, active=True)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


# --- The tracker -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TrackerFilters:
    status: str = ""  # one status, "open_any" (open or in progress), or "" for all
    organisation_id: int | None = None
    overdue: bool = False
    year: int | None = None  # the year of the panel that agreed it (or that it was made)
    q: str = ""  # words in the action or its category


def action_tracker_for_user(
    *, user: User, filters: TrackerFilters, today: datetime.date | None = None
) -> QuerySet[Action]:
    """Every action of the areas whose cases the user reads in full, filtered, the soonest
    due first. Rows as values (the page and the CSV need no model instances)."""
    today = today or timezone.localdate()
    areas = permissions.area_ids_with_roles(user, permissions.ACTION_TRACKER_READERS)
    actions = Action.objects.filter(area_id__in=areas)
    if filters.status == "open_any":
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    if filters.organisation_id is not None:
        actions = actions.filter(owner_organisation_id=filters.organisation_id)
    if filters.overdue:
        actions = actions.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    if filters.year is not None:
        tz = timezone.get_current_timezone()
        start = datetime.datetime(filters.year, 1, 1, tzinfo=tz)
        end = datetime.datetime(filters.year + 1, 1, 1, tzinfo=tz)
        # The year of the panel it was agreed at; made on a case page, the year it was made.
        actions = actions.filter(
            Q(agenda_item__meeting__starts_at__gte=start, agenda_item__meeting__starts_at__lt=end)
            | Q(agenda_item__isnull=True, created_at__gte=start, created_at__lt=end)
        )
    for word in filters.q.split()[:5]:
        actions = actions.filter(Q(description__icontains=word) | Q(category__icontains=word))
    return actions.order_by("due_on", "pk")


def tracker_rows(actions: QuerySet[Action]) -> QuerySet[Action, dict[str, Any]]:
    """The rows' values (one query for a page, whatever its size)."""
    return actions.values(*_ROW_FIELDS)


def tracker_page(
    actions: QuerySet[Action], *, number: str | int | None, size: int, count: int | None = None
) -> tuple[Page[int], list[dict[str, Any]]]:
    """A page of the tracker and its rows, in three queries whatever the number of actions:
    the count and the page's ids from the actions' own indexes (no join to the case or the
    organisation, which would be made for every action of the area), then the rows of
    those ids alone, as tracker_rows gives them (one fixed statement). `count`, when the
    caller knows it (tracker_count_kept), is not read."""
    ids_in_order: Any = actions.values_list("pk", flat=True)
    if count is not None:
        ids_in_order = _Counted(ids_in_order, count)
    page: Page[int] = Paginator(ids_in_order, size).get_page(number)
    ids = list(page.object_list)
    by_id = {row["pk"]: row for row in _rows_of(ids)}
    return page, [by_id[pk] for pk in ids if pk in by_id]


# tracker_rows of a page's ids as one fixed statement (cdop.core.db.fetch_rows): built by
# the ORM it took longer in Python than the database took to answer it. Same columns,
# named as the ORM names them (_ROW_FIELDS).
_PAGE_ROWS_SQL = f"""
SELECT a.id, a.case_id, a.area_id, a.description, a.category, a.owner_organisation_id, o.name,
    a.owner_name, a.owner_email, a.due_on, a.status, a.closed_on, a.evidence, a.created_at,
    c.reference
FROM {Action._meta.db_table} a
    JOIN {Case._meta.db_table} c ON c.id = a.case_id
    LEFT JOIN {Organisation._meta.db_table} o ON o.id = a.owner_organisation_id
WHERE a.id IN ({{}})
"""  # noqa: S608 - only table names and placeholders are put in the text


def _rows_of(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    sql = _PAGE_ROWS_SQL.format(", ".join(["%s"] * len(ids)))
    rows = []
    for values in fetch_rows(sql, [int(i) for i in ids]):
        row = dict(zip(_ROW_FIELDS, values, strict=True))
        row["due_on"] = db_date(row["due_on"])
        row["closed_on"] = db_date(row["closed_on"])
        row["created_at"] = db_datetime(row["created_at"])
        rows.append(row)
    return rows


class _Counted:
    """A list's ids with their count already known, for the paginator."""

    def __init__(self, ids: QuerySet[Action, int], count: int) -> None:
        self.ids = ids
        self.known = count

    def count(self) -> int:
        return self.known

    def __len__(self) -> int:
        return self.known

    def __getitem__(self, index: Any) -> Any:
        return self.ids[index]


# The unfiltered tracker's count, each area's number of actions, kept a while in the shared
# cache (cdop.core.kept): counting every action of the area was the page's dearest
# statement (14,000 actions at 50,000 cases, about 1 ms), on every opening. A save or delete
# of an action forgets its area's count (apps.py); actions written in bulk without signals
# (the synthetic data) show within TRACKER_COUNT_SECONDS.
TRACKER_COUNT_SECONDS = 120
_TRACKER_COUNT_KEY = "actions:tracker-count:{}"


def tracker_count_forget(area_id: int | None) -> None:
    if area_id is not None:
        kept_forget(_TRACKER_COUNT_KEY.format(area_id))


def tracker_count_kept(*, user: User) -> int:
    """How many actions the unfiltered tracker lists for the user (every action of the
    areas they read in full): each area's count from the cache, the missing ones counted
    in one query and kept, unless this transaction has forgotten them (cdop.core.kept)."""
    areas = permissions.area_ids_with_roles(user, permissions.ACTION_TRACKER_READERS)
    keys = {_TRACKER_COUNT_KEY.format(a): a for a in areas}
    pending = kept_pending(keys)
    found = {keys[k]: n for k, n in cache.get_many([k for k in keys if k not in pending]).items()}
    missing = [a for a in areas if a not in found]
    if missing:
        counted = dict(
            Action.objects.filter(area_id__in=missing)
            .order_by()
            .values("area_id")
            .annotate(n=Count("pk"))
            .values_list("area_id", "n")
        )
        fresh = {a: counted.get(a, 0) for a in missing}
        found.update(fresh)
        cache.set_many(
            {key: fresh[a] for key, a in keys.items() if a in fresh and key not in pending},
            TRACKER_COUNT_SECONDS,
        )
    return sum(found.values())


# --- Escalations and family feedback ------------------------------------------------------


def panel_escalations_for_case(*, case: Case) -> list[SafeguardingReferral]:
    """The panel's escalations to the Safeguarding Children Partnership (one query)."""
    from cdop.actions.services import PANEL

    return list(
        SafeguardingReferral.objects.filter(
            case=case, recipient=Recipient.PARTNERSHIP, concern__raised_by=PANEL
        )
        .select_related("concern")
        .order_by("sent_on", "pk")
    )


def family_feedback_for_case(*, case: Case) -> list[FamilyFeedback]:
    return list(
        FamilyFeedback.objects.filter(case=case)
        .select_related("told_by", "letter")
        .order_by("told_on", "pk")
    )
