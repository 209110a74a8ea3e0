"""Tasks: made by hand or by rules, assigned, and completed with a note."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Membership, Role, User
from cdop.audit.services import audit_actor
from cdop.cases.models import Case, CaseTransition, Task
from cdop.cases.workflow import CLOSED, ENDED_WITHOUT_REVIEW, Status
from cdop.clocks.services import jar_clock_stop_if_done
from cdop.core.errors import DomainError
from cdop.work.rules import follow_up_rule_keys, task_rules

# The roles a task can be given to (every one reads the case it belongs to).
ASSIGNABLE_ROLES: tuple[Role, ...] = (
    Role.CDR_MANAGER,
    Role.ADMINISTRATOR,
    Role.DESIGNATED_DOCTOR,
    Role.KEY_WORKER,
)


def task_can_work_on(user: User, task: Task) -> bool:
    if task.case_id is not None:
        # Tasks outlive the review: telling the family its outcome often comes after it.
        return permissions.can_follow_up_case(user, task.case)  # type: ignore[arg-type]
    return task.notification is not None and permissions.can_triage_notification(
        user, task.notification
    )


# --- Tasks a case's end makes unnecessary ----------------------------------------------------
#
# When a case is transferred, closed as out of scope or merged, the review does not go on
# here, so its open tasks are closed. When a review is finalised, the tasks made by rules for
# the stages it has passed (the Joint Agency Response, the meetings' papers) are closed; the
# follow-up goes on (decision 51): the rules' follow-up tasks (telling the family the
# outcome) and the tasks people added by hand stay open and can still be marked done.


def task_is_moot(*, task: Task, case: Case) -> bool:
    """The task is no longer needed because of where its case has ended."""
    if case.status in ENDED_WITHOUT_REVIEW:
        return True
    return (
        case.status == Status.FINALISED
        and bool(task.rule)
        and task.rule not in follow_up_rule_keys()
    )


def task_moot_note(*, status: str, on: datetime.date, into: str = "") -> str:
    """What a task closed by its case's end says, in the words of the case's status."""
    day = f"{on:%-d %B %Y}"
    if status == Status.FINALISED:
        return (
            f"Closed automatically: the review was finalised on {day}, and this task was for "
            "a stage it had passed."
        )
    if status == Status.MERGED:
        under = f" case {into}" if into else " the case it duplicates"
        return (
            f"Closed automatically: the case was merged on {day}; the review goes on under{under}."
        )
    return (
        f"Closed automatically: the case was {Status(status).label[0].lower()}"
        f"{Status(status).label[1:]} on {day}, so there is no review here to do it for."
    )


def tasks_close_on_case_end(*, case: Case, transition: CaseTransition) -> list[Task]:
    """Close the open tasks the case's end makes unnecessary (inside the transition's
    transaction, by the person who took it)."""
    if transition.to_status not in CLOSED:
        return []
    return tasks_close_moot(case=case, at=transition.at, by=transition.by)


def tasks_close_moot(*, case: Case, at: datetime.datetime, by: User | None) -> list[Task]:
    """Close the case's open tasks that task_is_moot, each with a note saying why (one save
    each, so the audit log records every task). `by` is None when no one closed the case
    just now (the close_moot_tasks command, for tasks left open before cases did this)."""
    into = ""
    if case.status == Status.MERGED and case.merged_into_id is not None:
        into = Case.objects.values_list("reference", flat=True).get(pk=case.merged_into_id)
    note = task_moot_note(status=case.status, on=timezone.localdate(at), into=into)
    closed = []
    with transaction.atomic():
        for task in Task.objects.select_for_update().filter(case=case, completed_at__isnull=True):
            if not task_is_moot(task=task, case=case):
                continue
            task.completed_at = at
            task.completed_by = by
            task.completion_note = note
            task.save(update_fields=["completed_at", "completed_by", "completion_note"])
            closed.append(task)
    return closed


def tasks_close_moot_of_ended_cases(*, area_id: int | None = None) -> int:
    """Close the tasks left open on cases that ended before their end closed them (and on
    the demo's generated cases), dated when each case ended. Returns how many; a second run
    closes none."""
    ended = Case.objects.filter(
        status__in=sorted(CLOSED),
        pk__in=Task.objects.filter(completed_at__isnull=True, case__isnull=False).values("case_id"),
    )
    if area_id is not None:
        ended = ended.filter(area_id=area_id)
    return sum(
        len(tasks_close_moot(case=case, at=case.status_changed_at, by=None))
        for case in ended.order_by("pk")
    )


def task_closed_reason(task: Task, doing: str) -> str:
    """Why the task can no longer be `doing` ("marked done", "reassigned"), in a sentence for
    its pages; "" while it is open. Done already, or a task of a case that has ended
    (task_is_moot)."""
    if task.completed_at is not None:
        done_on = f"{timezone.localtime(task.completed_at):%-d %B %Y}"
        if doing == "marked done":
            return f"This task was already marked done on {done_on}."
        return f"This task was marked done on {done_on}, so it cannot be {doing}."
    case = task.case
    if case is None or not task_is_moot(task=task, case=case):
        return ""
    if case.status == Status.FINALISED:
        return (
            f"Case {case.reference} is finalised and this task was for a stage its review "
            f"had passed, so it cannot be {doing}. Nothing was changed. If the work is still "
            "needed, reopen the review first."
        )
    return (
        f"Case {case.reference} is “{case.get_status_display()}”, so there is no review here "
        f"and its tasks cannot be {doing}. Nothing was changed."
    )


def _check_assignee(*, case: Case | None, area_id: int, person: User | None, role: str) -> None:
    """A task goes to someone who can read its case, or to a role; never both."""
    if person is not None and role:
        raise DomainError("Choose a person or a role, not both.", field="assignee")
    if role and role not in ASSIGNABLE_ROLES:
        raise DomainError("Choose a role from the list.", field="assignee")
    if person is None:
        return
    held = set(
        Membership.objects.filter(user=person, area_id=area_id).values_list("role", flat=True)
    )
    reads_area = bool(held & permissions.AREA_CASE_READERS)
    is_key_worker = Role.KEY_WORKER in held and case is not None and case.key_worker_id == person.pk
    if not person.is_active or not (reads_area or is_key_worker):
        raise DomainError(
            f"{person.full_name} cannot read this case. Choose someone from the list.",
            field="assignee",
        )


def task_create(
    *,
    case: Case,
    by: User,
    title: str,
    due_at: datetime.datetime,
    detail: str = "",
    assigned_to: User | None = None,
    assigned_role: str = "",
) -> Task:
    """A task made by hand on a case."""
    if not permissions.can_view_case(by, case):
        raise Http404
    if not permissions.can_work_on_case(by, case):
        raise DomainError("Your role does not allow you to add tasks to this case.")
    title = title.strip()
    if not title:
        raise DomainError("Enter what needs to be done.", field="title")
    _check_assignee(case=case, area_id=case.area_id, person=assigned_to, role=assigned_role)
    now = timezone.now()
    with audit_actor(by), transaction.atomic():
        return Task.objects.create(
            area_id=case.area_id,
            case=case,
            title=title,
            detail=detail.strip(),
            due_at=due_at,
            assigned_to=assigned_to,
            assigned_role=assigned_role,
            assigned_at=now if (assigned_to or assigned_role) else None,
            assigned_by=by if (assigned_to or assigned_role) else None,
            created_by=by,
        )


def task_assign(
    *, task: Task, by: User, assigned_to: User | None = None, assigned_role: str = ""
) -> Task:
    """Give the task to a person, to a role, or to nobody yet."""
    with audit_actor(by), transaction.atomic():
        locked = (
            # Lock the task's row only (PostgreSQL refuses to lock a LEFT JOIN's nullable side).
            Task.objects.select_for_update(of=("self",))
            .select_related("case", "notification")
            .get(pk=task.pk)
        )
        if not task_can_work_on(by, locked):
            raise Http404
        closed = task_closed_reason(locked, "reassigned")
        if closed:
            raise DomainError(closed)
        _check_assignee(
            case=locked.case, area_id=locked.area_id, person=assigned_to, role=assigned_role
        )
        locked.assigned_to = assigned_to
        locked.assigned_role = assigned_role
        locked.assigned_at = timezone.now()
        locked.assigned_by = by
        locked.save(update_fields=["assigned_to", "assigned_role", "assigned_at", "assigned_by"])
    return locked


def task_complete(*, task: Task, by: User, note: str) -> Task:
    """Mark the task done, saying what was done. The last JAR task stops the JAR clock."""
    note = note.strip()
    with audit_actor(by), transaction.atomic():
        locked = (
            # Lock the task's row only (PostgreSQL refuses to lock a LEFT JOIN's nullable side).
            Task.objects.select_for_update(of=("self",))
            .select_related("case", "notification")
            .get(pk=task.pk)
        )
        if not task_can_work_on(by, locked):
            raise Http404
        closed = task_closed_reason(locked, "marked done")
        if closed:
            raise DomainError(closed)
        if not note:
            raise DomainError("Enter a note saying what was done.", field="note")
        locked.completed_at = timezone.now()
        locked.completed_by = by
        locked.completion_note = note
        locked.save(update_fields=["completed_at", "completed_by", "completion_note"])
        if locked.case is not None and locked.rule == "jar":
            jar_clock_stop_if_done(case=locked.case)
    return locked


def tasks_from_rules(*, case: Case, transition: CaseTransition) -> list[Task]:
    """The tasks the rules make when a case takes this transition (inside its transaction)."""
    made = []
    for rule in task_rules():
        if rule.on_transition != transition.name:
            continue
        person = None
        if rule.assigned_role == Role.KEY_WORKER and case.key_worker_id is not None:
            person = case.key_worker
        made.append(
            Task(
                area_id=case.area_id,
                case=case,
                title=rule.title,
                detail=rule.detail,
                rule=rule.key,
                due_at=transition.at + rule.due_after,
                assigned_role="" if person else rule.assigned_role,
                assigned_to=person,
                assigned_at=transition.at,
            )
        )
    # One save each (rather than bulk_create) so the audit log records every task.
    for task in made:
        task.save()
    return made
