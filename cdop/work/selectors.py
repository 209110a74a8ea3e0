"""What the work queues read. Every selector runs a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case as Choose  # SQL CASE; not the model
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import Membership, User
from cdop.cases.blockers import Blocker, blockers_for_cases
from cdop.cases.models import Case, Task
from cdop.cases.workflow import OPEN, REVIEW_LINE, Status
from cdop.clocks.models import Clock
from cdop.clocks.selectors import clocks_overdue
from cdop.work.services import ASSIGNABLE_ROLES


def _open_tasks() -> QuerySet[Task]:
    return Task.objects.filter(completed_at__isnull=True).select_related(
        "case", "notification", "assigned_to"
    )


def task_queue_mine(*, user: User) -> QuerySet[Task]:
    """Open tasks for this person: given to them by name, or given to a role they hold in the
    task's area and to no one by name."""
    for_me = Q(assigned_to_id=user.pk)
    for area_id in permissions.area_ids_with_roles(user, frozenset(ASSIGNABLE_ROLES)):
        roles = permissions.roles_in_area(user, area_id)
        for_me |= Q(area_id=area_id, assigned_to__isnull=True, assigned_role__in=sorted(roles))
    # By due date: what is overdue comes first, and the task_queue index serves the order.
    return (
        _open_tasks()
        .filter(permissions.task_visibility_q(user))
        .filter(for_me)
        .order_by("due_at", "pk")
    )


def task_queue_team(*, user: User) -> QuerySet[Task]:
    """Every open task of the areas whose cases the user reads in full, by due date (so
    overdue first), served by the task_queue index."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    return _open_tasks().filter(area_id__in=areas).order_by("due_at", "pk")


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
    # My cases are few: their ids come first from two indexed lookups (an OR across the two
    # would scan every case), so the clocks' query checks a short list.
    # No ordering, so the planner takes the assigned_to / key_worker indexes.
    mine = set(Case.objects.filter(key_worker_id=user.pk).order_by().values_list("pk", flat=True))
    # Only the person's own tasks are read, and the open ones kept here: with "completed_at
    # IS NULL" in the query SQLite's planner prefers the area queue index and reads every
    # open task of the area.
    mine.update(
        case_id
        for case_id, completed_at in Task.objects.filter(assigned_to_id=user.pk)
        .order_by()
        .values_list("case_id", "completed_at")
        if case_id is not None and completed_at is None
    )
    readable = Case.objects.filter(permissions.case_visibility_q(user), pk__in=sorted(mine))
    return (
        clocks_overdue(now=now)
        .filter(case_id__in=readable.values("pk"))
        .filter(permissions.clock_kind_visibility_q(user))
        .select_related("case")
    )


def clocks_overdue_team(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Clock]:
    """Overdue clocks on the open cases of the user's areas. (Closing a case stops every
    clock on it, so a closed case has none running.)"""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    # The open cases' ids come off the (area, status, ...) index alone; joining the cases
    # table instead would read every case of the area.
    open_cases = Case.objects.filter(area_id__in=areas, status__in=OPEN).values("pk")
    clocks = clocks_overdue(now=now).filter(case_id__in=open_cases)
    safeguarding_areas = permissions.area_ids_with_roles(user, permissions.SAFEGUARDING_READERS)
    if not set(areas) <= set(safeguarding_areas):
        clocks = clocks.filter(permissions.clock_kind_visibility_q(user))
    return clocks


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


def cases_blocked(*, user: User) -> list[tuple[int, list[Blocker]]]:
    """Open cases of the user's areas that something is holding up (the blockers registry),
    oldest case first, with the reasons. Asks every provider once about all open cases."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    open_cases = list(
        Case.objects.filter(area_id__in=areas, status__in=OPEN)
        .order_by("opened_at", "pk")
        .values_list("pk", "area_id")
    )
    blocked = blockers_visible(
        user=user, blockers=blockers_for_cases(pk for pk, _ in open_cases), areas=dict(open_cases)
    )
    return [(pk, blocked[pk]) for pk, _ in open_cases if pk in blocked]


def blockers_visible(
    *, user: User, blockers: dict[int, list[Blocker]], areas: dict[int, int]
) -> dict[int, list[Blocker]]:
    """Leave out the blockers the user may not see (safeguarding ones, for a key worker);
    `areas` maps each case id to its area."""
    safeguarding_areas = set(
        permissions.area_ids_with_roles(user, permissions.SAFEGUARDING_READERS)
    )
    shown: dict[int, list[Blocker]] = {}
    for case_id, reasons in blockers.items():
        kept = [
            b
            for b in reasons
            if b.kind not in permissions.SAFEGUARDING_BLOCKER_KINDS
            or areas.get(case_id) in safeguarding_areas
        ]
        if kept:
            shown[case_id] = kept
    return shown


def blocked_rows(held_up: list[tuple[int, list[Blocker]]]) -> list[BlockedCase]:
    """The cases of one page of cases_blocked, for showing (one query)."""
    cases = Case.objects.in_bulk([pk for pk, _ in held_up])
    return [
        BlockedCase(
            reference=cases[pk].reference,
            child_name=cases[pk].child_name,
            status_label=cases[pk].get_status_display(),
            blockers=reasons,
        )
        for pk, reasons in held_up
        if pk in cases
    ]


def blocked_reason_counts(held_up: list[tuple[int, list[Blocker]]]) -> list[tuple[str, int]]:
    """How many cases each reason holds up, commonest first."""
    counts: dict[str, int] = {}
    for _, reasons in held_up:
        for reason in {b.reason for b in reasons}:
            counts[reason] = counts.get(reason, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
