"""Family feedback: after the panel, the key worker tells the family its outcome.

When a case is recorded as reviewed by the panel, the key worker (or the key workers' team,
if the case has none) has a task "Tell the family the outcome of the review". The work app's
task rules already make it (rule "family_feedback", in cdop.work.rules, configurable); if a
deployment's rules leave it out, it is made here, due in FAMILY_FEEDBACK_WORKING_DAYS working
days (default 10). One task, never two.

The letter is the family app's "Outcome of the review" letter (its template, its PDF).
The key worker records when and how the family were told (FamilyFeedback), which completes
the task.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Role, User
from cdop.actions.models import FamilyFeedback
from cdop.audit.services import audit_actor
from cdop.cases.models import Case, Task
from cdop.cases.workflow import Status
from cdop.clocks.working_days import add_working_days
from cdop.core.errors import DomainError

if TYPE_CHECKING:
    from cdop.family.models import Letter

FEEDBACK_RULE = "family_feedback"
FEEDBACK_TITLE = "Tell the family the outcome of the review"
# The stages at which the panel's outcome exists to be told.
REVIEWED = frozenset({Status.PANEL_REVIEWED, Status.FINALISED})


def feedback_working_days() -> int:
    return int(getattr(settings, "FAMILY_FEEDBACK_WORKING_DAYS", 10))


def feedback_task_ensure(*, case: Case, at: datetime.datetime) -> Task:
    """The open task to tell the family, made if no rule made it (inside the transition's
    transaction)."""
    existing = (
        Task.objects.filter(case=case, rule=FEEDBACK_RULE, completed_at=None).order_by("pk").first()
    )
    if existing is not None:
        return existing
    due = add_working_days(timezone.localtime(at).date(), feedback_working_days())
    person = case.key_worker if case.key_worker_id is not None else None
    task = Task(
        area_id=case.area_id,
        case=case,
        title=FEEDBACK_TITLE,
        detail="Tell the family what the panel found, using the letter about the outcome of "
        "the review, and offer bereavement support again. Record it on the case's actions page.",
        rule=FEEDBACK_RULE,
        due_at=timezone.make_aware(datetime.datetime.combine(due, datetime.time(23, 59, 59))),
        assigned_to=person,
        assigned_role="" if person else Role.KEY_WORKER,
        assigned_at=at,
    )
    task.save()  # one save, so the audit log records it
    return task


def on_case_transitioned(sender: Any, *, case: Case, transition: Any, **kwargs: Any) -> None:
    if transition.to_status == Status.PANEL_REVIEWED:
        feedback_task_ensure(case=case, at=transition.at)


def feedback_open_task(*, case: Case) -> Task | None:
    return (
        Task.objects.filter(case=case, rule=FEEDBACK_RULE, completed_at=None)
        .select_related("assigned_to")
        .order_by("pk")
        .first()
    )


def family_feedback_record(
    *,
    case: Case,
    by: User,
    told_on: datetime.date,
    method: str,
    note: str = "",
    letter: Letter | None = None,
) -> FamilyFeedback:
    """Record when and how the family were told the panel's outcome; it completes the open
    task to tell them."""
    from cdop.actions.models import FamilyTold
    from cdop.work.services import task_complete

    with audit_actor(by), transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("area").get(pk=case.pk)
        if not permissions.can_view_case(by, locked):
            raise Http404("No such case")
        if not permissions.can_follow_up_case(by, locked):
            raise DomainError("Only the case's key worker and the review team can record this.")
        if locked.status not in REVIEWED:
            raise DomainError(
                "The panel has not reviewed this case yet: the family can be told its outcome "
                "once the panel's review is recorded."
            )
        if method not in FamilyTold.values:
            raise DomainError("Select how the family were told", field="method")
        if told_on > timezone.localdate():
            raise DomainError(
                "The date the family were told must be today or in the past", field="told_on"
            )
        reviewed = (
            locked.transitions.filter(to_status=Status.PANEL_REVIEWED)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if reviewed is not None and told_on < timezone.localtime(reviewed).date():
            raise DomainError(
                f"The date the family were told must be on or after the panel's review "
                f"({timezone.localtime(reviewed):%-d %B %Y})",
                field="told_on",
            )
        if letter is not None and letter.case_id != locked.pk:
            raise DomainError("Choose a letter from the list", field="letter")
        task = feedback_open_task(case=locked)
        feedback = FamilyFeedback.objects.create(
            case=locked,
            task=task,
            told_on=told_on,
            method=method,
            told_by=by,
            letter=letter,
            note=note.strip(),
            recorded_at=timezone.now(),
            recorded_by=by,
        )
        if task is not None:
            task_complete(
                task=task,
                by=by,
                note=f"The family were told the outcome on {told_on:%-d %B %Y} "
                f"({feedback.get_method_display().lower()}).",
            )
    return feedback
