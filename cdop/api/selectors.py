from __future__ import annotations

import dataclasses
import datetime
import re

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Role, User
from cdop.actions.models import Action, ActionStatusChange
from cdop.actions.selectors import TrackerFilters, action_get_for_user, action_tracker_for_user
from cdop.api.models import PersonalAccessToken
from cdop.api.staff_filters import StaffFilters
from cdop.areas.models import Area
from cdop.cases.models import Case, CaseTransition
from cdop.cases.selectors import case_get_for_user
from cdop.cases.totals import area_totals
from cdop.core.kept import kept_forget, kept_pending
from cdop.notifications.models import ApiClient, Notification
from cdop.notifications.selectors import notification_get_for_user
from cdop.reporting.annual import AnnualReport, Period, annual_report, period_default
from cdop.reporting.selectors import AreaStatistics, statistics_for_area

# The largest id a database row can have (a signed 64-bit integer): a larger number in a web
# address is not sent to the database, which would refuse it with an error.
MAX_ID = 2**63 - 1


def api_client_list_for_user(*, user: User) -> QuerySet[ApiClient]:
    """The systems registered in the areas the user administers."""
    area_ids = permissions.area_ids_with_roles(user, permissions.AREA_ADMINISTRATORS)
    return (
        ApiClient.objects.filter(area_id__in=area_ids)
        .select_related("area", "created_by")
        .order_by("area__name", "-is_active", "name", "pk")
    )


def api_client_get_for_user(*, user: User, pk: int) -> ApiClient:
    """One registered system, for an administrator of its area; 404 for anyone else."""
    if not 1 <= pk <= MAX_ID:
        raise Http404("No such API client")
    client = api_client_list_for_user(user=user).filter(pk=pk).first()
    if client is None:
        raise Http404("No such API client")
    return client


def notification_get_for_client(*, client: ApiClient, reference: str) -> Notification:
    """A notification this client sent; 404 for any other, so references leak nothing."""
    if not is_reference(reference):
        raise Http404("No such notification")
    notification = (
        Notification.objects.filter(reference=reference, api_client=client)
        .only("reference", "received_at", "status", "api_client_id")
        .first()
    )
    if notification is None:
        raise Http404("No such notification")
    return notification


# --- Personal access tokens -----------------------------------------------------------------


def personal_tokens_for_user(*, user: User) -> QuerySet[PersonalAccessToken]:
    """The user's own tokens, newest first (nobody else's: each person manages their own)."""
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-pk")


def personal_token_get_for_user(*, user: User, pk: int) -> PersonalAccessToken:
    """One of the user's own tokens; 404 for anyone else's."""
    if not 1 <= pk <= MAX_ID:
        raise Http404("No such token")
    token = personal_tokens_for_user(user=user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")
    return token


# --- The staff API: the pages' own rules, as lists ------------------------------------------

# A reference is letters, digits and hyphens (LLR-2026-0042, NTF-7K3Q-9XPA): anything else
# cannot name a record, and is not sent to the database at all.
_REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,24}$")


def is_reference(text: str) -> bool:
    return bool(_REFERENCE.match(text))


def _changed_since(model: type[models.Model], since: datetime.datetime) -> Q:
    """Rows the audit log saw created or changed at or after `since`."""
    changed = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        timestamp__gte=since,
        action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE],
        object_id__isnull=False,
    ).values("object_id")
    return Q(pk__in=changed)


def staff_case_list(*, user: User, filters: StaffFilters) -> QuerySet[Case]:
    """The cases the user may read (permissions.case_visibility_q: the case list's rule),
    filtered, the most recently opened first."""
    cases = Case.objects.filter(permissions.case_visibility_q(user))
    if filters.area_id is not None:
        cases = cases.filter(area_id=filters.area_id)
    if filters.statuses:
        cases = cases.filter(status__in=filters.statuses)
    if filters.expectedness:
        cases = cases.filter(expectedness=filters.expectedness)
    if filters.died_from is not None:
        cases = cases.filter(date_of_death__gte=filters.died_from)
    if filters.died_to is not None:
        cases = cases.filter(date_of_death__lte=filters.died_to)
    if filters.updated_since is not None:
        since = filters.updated_since
        cases = cases.filter(
            Q(opened_at__gte=since) | Q(status_changed_at__gte=since) | _changed_since(Case, since)
        )
    return cases.select_related("area", "key_worker").order_by("-opened_at", "-pk")


def staff_case_total(*, user: User, filters: StaffFilters) -> int | None:
    """How many cases staff_case_list holds, from the areas' kept totals (cdop.cases.totals)
    as the case list page counts them, rather than a count of every case of the area on
    each page (about 4 ms at 50,000 cases); None when the list is narrowed by anything but
    its area, or the person reads only some of an area's cases (a key worker there), and
    the list counts for itself."""
    areas = _whole_areas(
        filters,
        permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS),
        permissions.area_ids_with_roles(user, permissions.CASE_READERS),
    )
    if areas is None:
        return None
    return sum(t["cases"] for t in area_totals(areas, timezone.now()).values())


# Each area's count of notifications and of actions, for the staff API's unfiltered lists,
# kept as the case list's totals are (cdop.core.kept): forgotten when a notification or an
# action of the area is saved or deleted (ApiConfig.ready) or the area's figures are (bulk
# writes), and kept at most LIST_COUNT_SECONDS.
LIST_COUNT_SECONDS = 120
_LIST_COUNT_KEY = "api:list-count:{}:{}"
_COUNTED: dict[str, type[models.Model]] = {"notifications": Notification, "actions": Action}


def list_counts_forget(
    area_id: int | None, *, kinds: tuple[str, ...] = ("notifications", "actions")
) -> None:
    """Forget an area's kept counts of notifications and actions (or of these kinds)."""
    if area_id is not None:
        for kind in kinds:
            kept_forget(_LIST_COUNT_KEY.format(kind, area_id))


def _kept_area_counts(kind: str, areas: list[int]) -> int:
    """How many notifications or actions (`kind`) these areas hold between them: each
    area's count from the shared cache, the missing ones counted in one statement."""
    keys = {_LIST_COUNT_KEY.format(kind, area_id): area_id for area_id in areas}
    # This transaction's own writes not yet committed: those areas counted afresh, not kept.
    pending = kept_pending(keys)
    cached = cache.get_many([key for key in keys if key not in pending])
    found: dict[int, int] = {keys[key]: value for key, value in cached.items()}
    missing = [area_id for area_id in areas if area_id not in found]
    if missing:
        counted = dict(
            _COUNTED[kind]
            ._default_manager.filter(area_id__in=missing)
            .values_list("area_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        fresh = {area_id: counted.get(area_id, 0) for area_id in missing}
        cache.set_many(
            {key: fresh[a] for key, a in keys.items() if a in fresh and key not in pending},
            LIST_COUNT_SECONDS,
        )
        found |= fresh
    return sum(found.values())


def _whole_areas(filters: StaffFilters, readable: list[int], others: list[int]) -> list[int] | None:
    """The areas an unfiltered list (or one narrowed only to an area) holds in full: None if
    it is narrowed otherwise, or holds rows of `others` (areas read only in part)."""
    if dataclasses.replace(filters, area_id=None) != StaffFilters():
        return None
    if filters.area_id is not None:
        return [filters.area_id] if filters.area_id in readable else None
    if not readable or set(others) - set(readable):
        return None
    return readable


def staff_notification_total(*, user: User, filters: StaffFilters) -> int | None:
    """How many notifications staff_notification_list holds, from each area's kept count,
    rather than a count of every notification of the area on each page (3 to 6 ms at
    50,000); None when the list is narrowed by anything but its area, or holds a key
    worker's notifications of an area not read in full, and the list counts for itself."""
    areas = _whole_areas(
        filters,
        permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS),
        permissions.area_ids_with_roles(user, frozenset({Role.KEY_WORKER})),
    )
    return None if areas is None else _kept_area_counts("notifications", areas)


def staff_action_total(*, user: User, filters: StaffFilters) -> int | None:
    """How many actions staff_action_list holds, from each area's kept count (the tracker's
    readers read every action of their areas); None when the list is narrowed by anything
    but its area."""
    areas = _whole_areas(
        filters, permissions.area_ids_with_roles(user, permissions.ACTION_TRACKER_READERS), []
    )
    return None if areas is None else _kept_area_counts("actions", areas)


def staff_case_get(*, user: User, reference: str) -> Case:
    """One case, by the case page's own selector (404 for anyone who may not read it)."""
    if not is_reference(reference):
        raise Http404("No such case")
    case = case_get_for_user(user=user, reference=reference)
    return (
        Case.objects.select_related("area", "key_worker", "merged_into")
        .prefetch_related(
            Prefetch("transitions", queryset=CaseTransition.objects.order_by("at", "pk")),
            Prefetch(
                "notifications",
                queryset=Notification.objects.order_by("received_at", "pk").only(
                    "pk", "reference", "case_id", "received_at"
                ),
            ),
        )
        .get(pk=case.pk)
    )


def notification_visibility_q(user: User) -> Q:
    """The notifications a user may read, as a filter: the database twin of
    permissions.can_view_notification (the people who run cases read their areas'; a key
    worker, those of the cases they may read)."""
    whole_areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    condition = Q(area_id__in=whole_areas)
    # A notification's case is always in the notification's own area (a case is opened in
    # it, and cdop.transfers adds notifications only to cases of the same area), so the
    # cases of the areas read in full add nothing: only a key worker's cases elsewhere do.
    # Left out when there are none, the filter is one the database reads off an index
    # instead of checking every notification against a list of every case.
    key_worker_areas = permissions.area_ids_with_roles(user, frozenset({Role.KEY_WORKER}))
    if set(key_worker_areas) - set(whole_areas):
        readable_cases = Case.objects.filter(permissions.case_visibility_q(user)).values("pk")
        condition |= Q(case_id__in=readable_cases)
    return condition


def staff_notification_list(*, user: User, filters: StaffFilters) -> QuerySet[Notification]:
    """The notifications the user may read, filtered, the most recently received first."""
    notifications = Notification.objects.filter(notification_visibility_q(user))
    if filters.area_id is not None:
        notifications = notifications.filter(area_id=filters.area_id)
    if filters.statuses:
        notifications = notifications.filter(status__in=filters.statuses)
    if filters.expectedness:
        notifications = notifications.filter(expectedness=filters.expectedness)
    if filters.died_from is not None:
        notifications = notifications.filter(date_of_death__gte=filters.died_from)
    if filters.died_to is not None:
        notifications = notifications.filter(date_of_death__lte=filters.died_to)
    tz = timezone.get_current_timezone()
    if filters.received_from is not None:
        start = datetime.datetime.combine(filters.received_from, datetime.time(), tz)
        notifications = notifications.filter(received_at__gte=start)
    if filters.received_to is not None:
        end = datetime.datetime.combine(
            filters.received_to + datetime.timedelta(days=1), datetime.time(), tz
        )
        notifications = notifications.filter(received_at__lt=end)
    if filters.updated_since is not None:
        since = filters.updated_since
        notifications = notifications.filter(
            Q(received_at__gte=since)
            | Q(dealt_with_at__gte=since)
            | _changed_since(Notification, since)
        )
    return notifications.select_related("area", "case").order_by("-received_at", "-pk")


def staff_notification_get(*, user: User, reference: str) -> Notification:
    """One notification, by the notification page's own selector (404 for anyone else)."""
    if not is_reference(reference):
        raise Http404("No such notification")
    return notification_get_for_user(user=user, reference=reference)


def staff_action_list(*, user: User, filters: StaffFilters) -> QuerySet[Action]:
    """The actions the user may follow up: the action tracker's rows (its readers, their
    areas), filtered, the soonest due first."""
    actions = action_tracker_for_user(user=user, filters=TrackerFilters(overdue=filters.overdue))
    if filters.area_id is not None:
        actions = actions.filter(area_id=filters.area_id)
    if filters.statuses:
        actions = actions.filter(status__in=filters.statuses)
    if filters.due_from is not None:
        actions = actions.filter(due_on__gte=filters.due_from)
    if filters.due_to is not None:
        actions = actions.filter(due_on__lte=filters.due_to)
    if filters.case_reference:
        actions = actions.filter(case__reference=filters.case_reference)
    if filters.updated_since is not None:
        actions = actions.filter(updated_at__gte=filters.updated_since)
    return actions.select_related("case", "area", "owner_organisation").order_by("due_on", "pk")


def staff_action_get(*, user: User, pk: int) -> Action:
    """One action, by the action page's own selector (404 for anyone who may not read it)."""
    if not 1 <= pk <= MAX_ID:
        raise Http404("No such action")
    action = action_get_for_user(user=user, pk=pk)
    history = ActionStatusChange.objects.select_related("by").order_by("at", "pk")
    return (
        Action.objects.select_related("case", "area", "owner_organisation")
        .prefetch_related(Prefetch("status_changes", queryset=history))
        .get(pk=action.pk)
    )


def staff_statistics(
    *, user: User, area_id: int | None, today: datetime.date
) -> list[AreaStatistics]:
    """The statistics page's figures for each area whose statistics the user may read."""
    area_ids = permissions.area_ids_with_roles(user, permissions.STATISTICS_READERS)
    areas = Area.objects.filter(pk__in=area_ids).order_by("name", "pk")
    if area_id is not None:
        areas = areas.filter(pk=area_id)
    return [
        statistics_for_area(area=area, today=today)
        for area in areas
        if permissions.can_view_statistics(user, area)
    ]


def staff_annual_report(*, user: User, area: Area, period: Period | None) -> AnnualReport:
    """The annual report page's figures for the area (404 for anyone without a role there);
    the last complete year to 31 March unless a period is given."""
    if not permissions.can_read_annual_report(user, area.pk):
        raise Http404("No such report")
    chosen = period or period_default(timezone.localdate())
    return annual_report(area=area, period=chosen)
