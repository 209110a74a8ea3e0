"""Everything that changes a case. One service per workflow transition (see workflow.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.services import sequence_next
from cdop.audit.services import audit_actor
from cdop.cases.blockers import case_blockers
from cdop.cases.models import Case, CaseTransition, Task
from cdop.cases.signals import case_transitioned
from cdop.cases.workflow import CLOSED, TRANSITIONS, Status
from cdop.core.errors import DomainError
from cdop.notifications.models import Notification


def case_reference(*, area_code: str, year: int, number: int) -> str:
    """A case reference like LLR-2026-0042: the area, the year it was opened, a number."""
    return f"{area_code}-{year}-{number:04d}"


def case_open_from_notification(*, notification: Notification, by: User) -> Case:
    """Open a case for a new notification, copying the child's details from it."""
    with audit_actor(by), transaction.atomic():
        return _case_open(notification=notification, by=by)


def _case_open(*, notification: Notification, by: User) -> Case:
    locked = Notification.objects.select_for_update().select_related("area").get(pk=notification.pk)
    if not permissions.can_triage_notification(by, locked):
        raise Http404
    if locked.status != Notification.Status.NEW:
        raise DomainError(
            f"Notification {locked.reference} has already been dealt with "
            f"({locked.get_status_display().lower()})."
        )
    now = timezone.now()
    number = sequence_next(area=locked.area, kind="case", year=now.year)
    case = Case.objects.create(
        area=locked.area,
        reference=case_reference(area_code=locked.area.code, year=now.year, number=number),
        status=Status.NOTIFIED,
        status_changed_at=now,
        child_first_name=locked.child_first_name,
        child_last_name=locked.child_last_name,
        child_date_of_birth=locked.child_date_of_birth,
        child_sex=locked.child_sex,
        child_nhs_number=locked.child_nhs_number,
        child_postcode=locked.child_postcode,
        date_of_death=locked.date_of_death,
        expectedness=locked.expectedness,
        opened_at=now,
        opened_by=by,
    )
    opened = CaseTransition.objects.create(
        case=case,
        name="case_open",
        from_status="",
        to_status=Status.NOTIFIED,
        by=by,
        at=now,
        reason=f"Opened from notification {locked.reference}",
    )
    locked.status = Notification.Status.CASE_OPENED
    locked.case = case
    locked.save(update_fields=["status", "case"])
    # Work already started on the notification (the JAR tasks) carries on under the case.
    for task in Task.objects.filter(notification=locked, case__isnull=True):
        task.case = case
        task.save(update_fields=["case"])
    case_transitioned.send(sender=Case, case=case, transition=opened, by=by)
    return case


def _transition(*, case: Case, name: str, by: User, reason: str, into: Case | None = None) -> Case:
    """Move a case along one transition of the table: guard, lock, log, audit."""
    spec = TRANSITIONS[name]
    reason = reason.strip()
    with audit_actor(by), transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        allowed = getattr(permissions, spec.permission)(by, locked)
        if not allowed and not permissions.can_view_case(by, locked):
            raise Http404
        if not allowed:
            raise DomainError(spec.refusal)
        if locked.status not in spec.sources:
            raise DomainError(
                f"This case is now “{locked.get_status_display()}”, so you cannot "
                f"{spec.label[0].lower()}{spec.label[1:]}. Someone may have moved it "
                "since you opened the page: check its history below."
            )
        for blocker in case_blockers(locked.pk):
            if name in blocker.blocks:
                raise DomainError(
                    f"This case cannot move to “{spec.target.label}” yet: "
                    f"{blocker.reason[0].lower()}{blocker.reason[1:].rstrip('.')}."
                )
        if spec.reason_required and not reason:
            raise DomainError(
                f"Enter {spec.reason_label[0].lower()}{spec.reason_label[1:]}.", field="reason"
            )
        now = timezone.now()
        from_status = locked.status
        locked.status = spec.target
        locked.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if spec.target == Status.FINALISED:
            locked.finalised_at = now
            fields.append("finalised_at")
        elif from_status == Status.FINALISED:
            # Reopened: no longer finalised, and NCMD must be sent the amended review.
            locked.finalised_at = None
            locked.ncmd_resend_needed = True
            fields += ["finalised_at", "ncmd_resend_needed"]
        if into is not None:
            locked.merged_into = into
            fields.append("merged_into")
        locked.save(update_fields=fields)
        logged = CaseTransition.objects.create(
            case=locked,
            name=name,
            from_status=from_status,
            to_status=spec.target,
            by=by,
            at=now,
            reason=reason,
        )
        case_transitioned.send(sender=Case, case=locked, transition=logged, by=by)
    return locked


def case_start_information_gathering(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_start_information_gathering", by=by, reason=reason)


def case_ready_for_cdrm(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_ready_for_cdrm", by=by, reason=reason)


def case_record_cdrm_held(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_record_cdrm_held", by=by, reason=reason)


def case_refer_to_panel(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_refer_to_panel", by=by, reason=reason)


def case_record_panel_review(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_record_panel_review", by=by, reason=reason)


def case_finalise(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_finalise", by=by, reason=reason)


def case_reopen(*, case: Case, by: User, reason: str = "") -> Case:
    """Reopen a finalised review to amend it: a reason is required, the reopening is logged
    and audited like every transition, and the case is marked for re-sending to NCMD."""
    return _transition(case=case, name="case_reopen", by=by, reason=reason)


def case_transfer(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_transfer", by=by, reason=reason)


def case_close_out_of_scope(*, case: Case, by: User, reason: str = "") -> Case:
    return _transition(case=case, name="case_close_out_of_scope", by=by, reason=reason)


def case_merge_duplicate(
    *, case: Case, by: User, reason: str = "", into_reference: str = ""
) -> Case:
    """Merge a case into the case of the same death that the review goes on in."""
    into = Case.objects.filter(
        reference=into_reference.strip().upper(), area_id=case.area_id
    ).first()
    if into is None or not permissions.can_view_case(by, into):
        raise DomainError(
            "Enter the reference of the case in this area that this one duplicates, "
            "for example LLR-2026-0001.",
            field="into_reference",
        )
    if into.pk == case.pk:
        raise DomainError("A case cannot be merged into itself.", field="into_reference")
    if into.status in CLOSED:
        raise DomainError(
            f"Case {into.reference} is closed ({into.get_status_display().lower()}); "
            "merge into the case whose review is going on.",
            field="into_reference",
        )
    return _transition(case=case, name="case_merge_duplicate", by=by, reason=reason, into=into)


# The view looks services up here by transition name; every name in the table has one.
TRANSITION_SERVICES: dict[str, Callable[..., Case]] = {
    "case_start_information_gathering": case_start_information_gathering,
    "case_ready_for_cdrm": case_ready_for_cdrm,
    "case_record_cdrm_held": case_record_cdrm_held,
    "case_refer_to_panel": case_refer_to_panel,
    "case_record_panel_review": case_record_panel_review,
    "case_finalise": case_finalise,
    "case_reopen": case_reopen,
    "case_transfer": case_transfer,
    "case_close_out_of_scope": case_close_out_of_scope,
    "case_merge_duplicate": case_merge_duplicate,
}
if set(TRANSITION_SERVICES) != set(TRANSITIONS):  # pragma: no cover - a programming error
    raise ImportError("Every transition in workflow.TRANSITIONS needs its service here.")
