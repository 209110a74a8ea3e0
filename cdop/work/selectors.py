"""What the work queues read. Every selector runs a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import namedtuple
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case as Choose  # SQL CASE; not the model
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import Membership, User
from cdop.cases.blockers import Blocker, blockers_for_cases
from cdop.cases.models import Case, Task
from cdop.cases.selectors import case_open_count
from cdop.cases.totals import area_totals
from cdop.cases.workflow import OPEN, REVIEW_LINE, Status
from cdop.clocks.models import Clock
from cdop.clocks.selectors import clocks_overdue
from cdop.core.compiled import compiled_rows
from cdop.core.db import db_datetime, fetch_rows
from cdop.notifications.selectors import notification_new_count
from cdop.work import presenters
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
    # By due date: what is overdue comes first, and the task_queue_who index serves the order.
    return (
        _open_tasks()
        .filter(permissions.task_visibility_q(user))
        .filter(for_me)
        .order_by("due_at", "pk")
    )


def task_queue_team(*, user: User) -> QuerySet[Task]:
    """Every open task of the areas whose cases the user reads in full, by due date (so
    overdue first), served by the task_queue_who index."""
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
    """The case's tasks: open ones first (soonest due first), then those done. One query,
    its SQL built once (compiled_rows)."""
    tasks: list[Task] = compiled_rows(
        "work.tasks_for_case",
        lambda case_id: (
            Task.objects.filter(case_id=case_id)
            .select_related("assigned_to", "completed_by", "created_by")
            .annotate(
                done=Choose(
                    When(completed_at__isnull=True, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("done", "due_at", "pk")
        ),
        case.pk,
    )
    for task in tasks:
        task.case = case  # as case.tasks would give them: no query for their case
    return tasks


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


@dataclass(frozen=True)
class MyTasks:
    """What My work needs to know of a person's own tasks and cases, read once a request."""

    # (area, case, due) of each open task named for them
    open_tasks: list[tuple[int, int | None, datetime.datetime | None]]
    is_key_worker: bool  # the key worker of any case


def my_tasks(*, user: User) -> MyTasks:
    """One fixed statement (cdop.core.db.fetch_rows): the person's tasks, and whether they are
    anyone's key worker. Only the person's own tasks are read, and the open ones kept here:
    with "completed_at IS NULL" in the query SQLite's planner prefers the area queue index
    and reads every open task of the area."""
    rows = fetch_rows(
        "SELECT 'task', area_id, case_id, completed_at, due_at FROM cases_task"
        " WHERE assigned_to_id = %s"
        " UNION ALL SELECT 'key_worker', area_id, id, NULL, NULL FROM"
        " (SELECT area_id, id FROM cases_case WHERE key_worker_id = %s LIMIT 1) AS one",
        [user.pk, user.pk],
    )
    return MyTasks(
        open_tasks=[
            (area, case, db_datetime(due))
            for what, area, case, done, due in rows
            if what == "task" and done is None
        ],
        is_key_worker=any(row[0] == "key_worker" for row in rows),
    )


def clocks_overdue_mine(
    *, user: User, now: datetime.datetime | None = None, mine: MyTasks | None = None
) -> QuerySet[Clock]:
    """Overdue clocks on "my" cases: those I am the key worker of, or hold an open task on."""
    # My cases come as two subqueries, each on its own index (an OR across the two would scan
    # every case): those I am the key worker of (which may be many: they stay in the
    # database rather than come through Python), and those I hold an open task on.
    mine = mine or my_tasks(user=user)
    task_cases = sorted({case for _area, case, _due in mine.open_tasks if case is not None})
    readable = Case.objects.filter(permissions.case_visibility_q(user))
    cases = []
    # Most managers are key worker for no case: a cheap look first spares them the count.
    if mine.is_key_worker:
        cases.append(readable.filter(key_worker_id=user.pk))
    if task_cases:
        cases.append(readable.filter(pk__in=task_cases))
    if not cases:
        return Clock.objects.none()
    # Named areas, so that the database reads the clock_running_area_due index.
    areas = permissions.area_ids_with_roles(user, permissions.CASE_READERS)
    return (
        clocks_overdue(now=now)
        .filter(area_id__in=areas)
        .filter(_clock_kinds_visible_q(user, cases))
    )


def _clock_kinds_visible_q(user: User, cases: list[QuerySet[Case]]) -> Q:
    """Clocks of any of `cases` (each read by the database as a list), with
    permissions.clock_kind_visibility_q but without its join to the cases table (which reads
    a case row for every overdue clock): safeguarding clocks count only on those of `cases`
    in an area where the user may read safeguarding."""
    safeguarding_areas = permissions.area_ids_with_roles(user, permissions.SAFEGUARDING_READERS)
    of_cases = Q()
    seen = Q()
    for some in cases:
        of_cases |= Q(case_id__in=some.values("pk"))
        if safeguarding_areas:
            seen |= Q(case_id__in=some.filter(area_id__in=safeguarding_areas).values("pk"))
    not_safeguarding = ~Q(kind__in=permissions.SAFEGUARDING_CLOCK_KINDS)
    return (
        of_cases & (not_safeguarding | seen) if safeguarding_areas else of_cases & not_safeguarding
    )


def clocks_overdue_team(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Clock]:
    """Overdue clocks on the open cases of the user's areas, most overdue first. Closing a
    case stops every clock on it, so these are the areas' running clocks: counted and paged
    off the clock_running_area_due index, with no join to the cases."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    clocks = clocks_overdue(now=now).filter(area_id__in=areas)
    safeguarding_areas = permissions.area_ids_with_roles(user, permissions.SAFEGUARDING_READERS)
    # Usually the user sees the safeguarding clocks of all these areas: no filter on kind.
    if set(areas) <= set(safeguarding_areas):
        return clocks
    return clocks.filter(permissions.clock_kind_visibility_q(user))


# Team work's two lists as fixed SQL (cdop.core.db.fetch_rows): the same rows, in the same
# order, as task_queue_team and clocks_overdue_team give through the ORM (a test holds them
# to it), without the millisecond or two of Python it takes to build and compile those on
# every opening of the page. The page's ids are picked from the queue's index alone, then
# only their rows are joined.
TaskRow = namedtuple("TaskRow", presenters.TASK_COLUMNS)  # type: ignore[misc]
ClockRow = namedtuple("ClockRow", presenters.CLOCK_COLUMNS)  # type: ignore[misc]


def task_rows_team(*, user: User, start: int, end: int) -> list[Any]:
    """Rows start..end (0-based, end excluded) of task_queue_team, as TaskRow."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    if not areas or end <= start:
        return []
    in_areas = ", ".join(["%s"] * len(areas))
    rows = fetch_rows(
        # Only placeholders are formatted in; the values go as parameters.
        "SELECT t.id, t.title, t.rule, t.due_at, c.reference, n.reference, u.full_name,"  # noqa: S608
        " t.assigned_role FROM cases_task t"
        " LEFT JOIN cases_case c ON c.id = t.case_id"
        " LEFT JOIN notifications_notification n ON n.id = t.notification_id"
        " LEFT JOIN accounts_user u ON u.id = t.assigned_to_id"
        " WHERE t.id IN (SELECT id FROM cases_task WHERE completed_at IS NULL"
        f" AND area_id IN ({in_areas}) ORDER BY due_at, id LIMIT %s OFFSET %s)"
        " ORDER BY t.due_at, t.id",
        [*areas, end - start, start],
    )
    return [TaskRow._make((*r[:3], db_datetime(r[3]), *r[4:])) for r in rows]


def clock_rows_team(*, user: User, now: datetime.datetime, start: int, end: int) -> list[Any]:
    """Rows start..end (0-based, end excluded) of clocks_overdue_team, as ClockRow."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    if not areas or end <= start:
        return []
    in_areas = ", ".join(["%s"] * len(areas))
    params: list[object] = [connection.ops.adapt_datetimefield_value(now), *areas]
    kinds = ""
    safeguarding_areas = permissions.area_ids_with_roles(user, permissions.SAFEGUARDING_READERS)
    if not set(areas) <= set(safeguarding_areas):
        hidden = sorted(permissions.SAFEGUARDING_CLOCK_KINDS)
        seen = safeguarding_areas or [0]
        kinds = (
            f" AND (kind NOT IN ({', '.join(['%s'] * len(hidden))})"
            f" OR area_id IN ({', '.join(['%s'] * len(seen))}))"
        )
        params += [*hidden, *seen]
    rows = fetch_rows(
        # Only placeholders are formatted in; the values go as parameters.
        "SELECT k.id, k.case_id, k.label, k.due_at, c.reference, c.status, c.area_id"  # noqa: S608
        " FROM clocks_clock k INNER JOIN cases_case c ON c.id = k.case_id"
        " WHERE k.id IN (SELECT id FROM clocks_clock WHERE stopped_at IS NULL AND due_at < %s"
        f" AND area_id IN ({in_areas}){kinds} ORDER BY due_at, id LIMIT %s OFFSET %s)"
        " ORDER BY k.due_at, k.id",
        [*params, end - start, start],
    )
    return [ClockRow._make((*r[:3], db_datetime(r[3]), *r[4:])) for r in rows]


@dataclass(frozen=True)
class StageCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class TeamCounts:
    open_tasks: int
    overdue_clocks: int
    stages: list[StageCount]


def team_counts(*, user: User, now: datetime.datetime) -> TeamCounts:
    """Team work's three totals: the open tasks (task_queue_team's), the overdue clocks
    (clocks_overdue_team's: without the safeguarding kinds in an area whose safeguarding the
    user may not read) and the open cases by stage (cases_by_stage's). Summed from each
    area's kept totals (cdop.cases.totals): one read of the cache, almost always."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    if not areas:
        return TeamCounts(0, 0, cases_by_stage(user=user))
    safeguarding_areas = set(
        permissions.area_ids_with_roles(user, permissions.SAFEGUARDING_READERS)
    )
    tasks = clocks = 0
    by_stage: dict[str, int] = {}
    for area_id, counts in area_totals(sorted(areas), now).items():
        tasks += counts["tasks"]
        clocks += counts["clocks"]
        if area_id not in safeguarding_areas:
            clocks -= counts["hidden"]
        for status, count in counts["stages"].items():
            by_stage[status] = by_stage.get(status, 0) + count
    order = [s for s in REVIEW_LINE if s in OPEN]
    return TeamCounts(
        open_tasks=tasks,
        overdue_clocks=clocks,
        stages=[StageCount(s, str(Status(s).label), by_stage.get(s, 0)) for s in order],
    )


def task_count_mine(
    *,
    user: User,
    now: datetime.datetime,
    mine: MyTasks | None = None,
    overdue: bool = False,
    totals: dict[int, dict[str, Any]] | None = None,
) -> int:
    """How many tasks task_queue_mine lists (overdue=True: of those, how many were due before
    `now`, for the start page). For someone who reads every case of each area they work in
    (almost everyone who has tasks): the tasks given to them by name (my_tasks, which My work
    reads anyway), plus the area's tasks given to each of their roles and to nobody by name,
    from the kept totals (cdop.cases.totals; `totals`, if the caller has read them), rather
    than counting thousands of a manager's role tasks on every opening of My work. The
    totals count the tasks overdue when they were counted (at most AREA_TOTALS_SECONDS ago).
    For a key worker, whose tasks depend on their cases, the queryset's own count."""
    whole_areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    assignable = permissions.area_ids_with_roles(user, frozenset(ASSIGNABLE_ROLES))
    if not set(assignable) <= set(whole_areas):
        tasks = task_queue_mine(user=user)
        return (tasks.filter(due_at__lt=now) if overdue else tasks).count()
    if not whole_areas:
        return 0  # no task of theirs is in an area they read in full, nor any role's
    mine = mine or my_tasks(user=user)
    total = sum(
        1
        for area_id, _case, due in mine.open_tasks
        if area_id in whole_areas and (not overdue or (due is not None and due < now))
    )
    if assignable:
        if totals is None or not set(assignable) <= set(totals):
            totals = area_totals(assignable, now)
        by_role = "overdue_roles" if overdue else "roles"
        for area_id in assignable:
            roles = permissions.roles_in_area(user, area_id)
            total += sum(n for role, n in totals[area_id][by_role].items() if role in roles)
    return int(total)


def start_page_counts(*, user: User, now: datetime.datetime) -> dict[str, int]:
    """The start page's three figures: the notifications waiting in the person's queue, the
    open cases they may read and their overdue tasks; the areas' kept totals read once."""
    queue_areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    reads_cases = bool(permissions.area_ids_with_roles(user, permissions.CASE_READERS))
    totals = area_totals(queue_areas, now) if queue_areas else {}
    return {
        "new_notifications": notification_new_count(user=user) if queue_areas else 0,
        "open_cases": case_open_count(user=user, totals=totals) if reads_cases else 0,
        "my_overdue_tasks": (
            task_count_mine(user=user, now=now, overdue=True, totals=totals) if reads_cases else 0
        ),
    }


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
