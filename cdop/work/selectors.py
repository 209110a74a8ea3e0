"""What the work queues read. Every selector runs a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case as Choose  # SQL CASE; not the model
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Membership, User
from cdop.cases.blockers import Blocker, blockers_for_cases
from cdop.cases.models import Case, Task
from cdop.cases.workflow import OPEN, REVIEW_LINE, Status
from cdop.clocks.models import Clock
from cdop.clocks.selectors import clocks_overdue
from cdop.work.services import ASSIGNABLE_ROLES

BLOCKED_SHOWN = 50  # blocked cases listed on the team page; the count covers them all


def _open_tasks() -> QuerySet[Task]:
    return Task.objects.filter(completed_at__isnull=True).select_related(
        "case", "notification", "assigned_to"
    )


def _overdue_first(tasks: QuerySet[Task], now: datetime.datetime) -> QuerySet[Task]:
    return tasks.annotate(
        late=Choose(
            When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        unassigned=Choose(
            When(assigned_to__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    )


def task_queue_mine(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Task]:
    """Open tasks for this person: given to them by name, or given to a role they hold in the
    task's area and to no one by name. Overdue first, then by due date."""
    now = now or timezone.now()
    for_me = Q(assigned_to_id=user.pk)
    for area_id in permissions.area_ids_with_roles(user, frozenset(ASSIGNABLE_ROLES)):
        roles = permissions.roles_in_area(user, area_id)
        for_me |= Q(area_id=area_id, assigned_to__isnull=True, assigned_role__in=sorted(roles))
    tasks = _open_tasks().filter(permissions.task_visibility_q(user)).filter(for_me)
    return _overdue_first(tasks, now).order_by("late", "due_at", "pk")


def task_queue_team(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Task]:
    """Every open task of the areas whose cases the user reads in full: overdue first, then
    those with nobody named, then by due date."""
    now = now or timezone.now()
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    tasks = _open_tasks().filter(area_id__in=areas)
    return _overdue_first(tasks, now).order_by("late", "unassigned", "due_at", "pk")


def task_get_for_user(*, user: User, pk: int) -> Task:
    task = (
        Task.objects.filter(permissions.task_visibility_q(user), pk=pk)
        .select_related("case", "notification", "assigned_to", "area")
        .first()
    )
    if task is None:
        raise Http404("No such task")
    return task


def tasks_for_case(*, case: Case) -> list[Task]:
    """The case's tasks: open ones first (soonest due first), then those done."""
    return list(
        case.tasks.select_related("assigned_to", "completed_by", "created_by")
        .annotate(
            done=Choose(
                When(completed_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("done", "due_at", "pk")
    )


def assignable_people(*, area_id: int, case: Case | None) -> list[User]:
    """The people a task on this case can go to: those who read every case of the area, and
    the case's own key worker."""
    condition = Q(role__in=permissions.AREA_CASE_READERS)
    if case is not None and case.key_worker_id is not None:
        condition |= Q(user_id=case.key_worker_id)
    ids = Membership.objects.filter(condition, area_id=area_id, user__is_active=True).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "pk"))


def clocks_overdue_mine(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Clock]:
    """Overdue clocks on "my" cases: those I am the key worker of, or hold an open task on."""
    my_tasks = Task.objects.filter(assigned_to_id=user.pk, completed_at__isnull=True)
    visible = Case.objects.filter(permissions.case_visibility_q(user)).filter(
        Q(key_worker_id=user.pk) | Q(pk__in=my_tasks.values("case_id"))
    )
    return clocks_overdue(now=now).filter(case__in=visible.values("pk")).select_related("case")


def clocks_overdue_team(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Clock]:
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    return clocks_overdue(now=now).filter(case__area_id__in=areas).select_related("case")


@dataclass(frozen=True)
class StageCount:
    status: str
    label: str
    count: int


def cases_by_stage(*, user: User) -> list[StageCount]:
    """Open cases of the user's areas, counted by stage, in the order of the review."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    counts = dict(
        Case.objects.filter(area_id__in=areas, status__in=OPEN)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    order = [s for s in REVIEW_LINE if s in OPEN]
    return [StageCount(s, str(Status(s).label), counts.get(s, 0)) for s in order]


@dataclass(frozen=True)
class BlockedCase:
    reference: str
    child_name: str
    status_label: str
    blockers: list[Blocker]


def cases_blocked(*, user: User, limit: int = BLOCKED_SHOWN) -> tuple[int, list[BlockedCase]]:
    """Open cases that something is holding up, and why (the blockers registry): how many,
    and the first `limit` of them, oldest case first."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    open_ids = list(
        Case.objects.filter(area_id__in=areas, status__in=OPEN)
        .order_by("opened_at", "pk")
        .values_list("pk", flat=True)
    )
    blocked = blockers_for_cases(open_ids)
    if not blocked:
        return 0, []
    shown_ids = [pk for pk in open_ids if pk in blocked][:limit]
    cases = Case.objects.in_bulk(shown_ids)
    rows = [
        BlockedCase(
            reference=cases[pk].reference,
            child_name=cases[pk].child_name,
            status_label=cases[pk].get_status_display(),
            blockers=blocked[pk],
        )
        for pk in shown_ids
    ]
    return len(blocked), rows


def clocks_with_blockers(clocks: list[Clock]) -> list[tuple[Clock, list[Blocker]]]:
    """Each clock with why its case is held up, if anything holds it up."""
    blocked = blockers_for_cases({clock.case_id for clock in clocks})
    return [(clock, blocked.get(clock.case_id, [])) for clock in clocks]
