"""Writing actions: add, change, move between statuses, close with evidence; and the record
of the panel's escalations to the Safeguarding Children Partnership.

Every service names its actor for the audit log and runs in one transaction. Anyone who may
not read the case (or, from a meeting, record the meeting) gets a 404; someone who may read
but not change gets a DomainError saying so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.actions.models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    ActionStatusChange,
)
from cdop.agencies.models import Organisation
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.core.errors import DomainError

if TYPE_CHECKING:
    from cdop.documents.models import Document
    from cdop.safeguarding.models import SafeguardingReferral


@dataclass(frozen=True, kw_only=True)
class ActionDetails:
    description: str
    owner_email: str
    due_on: datetime.date
    owner_organisation: Organisation | None = None
    owner_name: str = ""
    category: str = ""
    recommendation_id: int | None = None


# Which statuses an action may move to from each; closing and reopening need a reason.
MOVES: dict[str, frozenset[str]] = {
    ActionStatus.OPEN: frozenset(
        {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED}
    ),
    ActionStatus.IN_PROGRESS: frozenset(
        {ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DROPPED}
    ),
    ActionStatus.DONE: frozenset({ActionStatus.OPEN}),
    ActionStatus.DROPPED: frozenset({ActionStatus.OPEN}),
}


def _check_details(*, case: Case, details: ActionDetails, due_unchanged: bool = False) -> None:
    if not details.description.strip():
        raise DomainError("Enter what is to be done", field="description")
    organisation = details.owner_organisation
    if organisation is not None and organisation.area_id != case.area_id:
        raise DomainError("Choose an organisation from the list", field="owner_organisation")
    if organisation is None and not details.owner_name.strip():
        raise DomainError(
            "Choose the organisation that owns the action, or type its name if it is not in "
            "the list",
            field="owner_organisation",
        )
    if organisation is not None and details.owner_name.strip():
        raise DomainError(
            "Choose an organisation from the list or type one, not both", field="owner_name"
        )
    if not details.owner_email.strip():
        raise DomainError("Enter the owner's contact email", field="owner_email")
    if not due_unchanged and details.due_on < timezone.localdate():
        raise DomainError("The due date must be today or in the future", field="due_on")
    if details.recommendation_id is not None and not _recommendation_of_case(
        case=case, recommendation_id=details.recommendation_id
    ):
        raise DomainError("Choose a recommendation from the list", field="recommendation")


def _recommendation_of_case(*, case: Case, recommendation_id: int) -> bool:
    from cdop.actions.selectors import recommendation_choices

    return any(pk == recommendation_id for pk, _ in recommendation_choices(case=case))


def _enqueue_reminders(action_id: int, due_on: datetime.date) -> None:
    from cdop.actions.reminders import reminders_schedule

    reminders_schedule(action_id=action_id, due_on=due_on)


def action_create(
    *, case: Case, by: User, details: ActionDetails, agenda_item_id: int | None = None
) -> Action:
    """Add an action to the case: by the people who run the case, or (agenda_item_id given)
    by whoever records the meeting the case is discussed at (its chair)."""
    with audit_actor(by), transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if agenda_item_id is None:
            if not permissions.can_view_case(by, locked):
                raise Http404("No such case")
            if not permissions.can_manage_actions(by, locked):
                raise DomainError("Your role does not allow you to add actions to this case.")
        else:
            _check_meeting_recorder(by=by, case=locked, agenda_item_id=agenda_item_id)
        _check_details(case=locked, details=details)
        now = timezone.now()
        action = Action.objects.create(
            case=locked,
            area_id=locked.area_id,
            description=details.description.strip(),
            category=details.category.strip(),
            owner_organisation=details.owner_organisation,
            owner_name=details.owner_name.strip(),
            owner_email=details.owner_email.strip(),
            due_on=details.due_on,
            recommendation_id=details.recommendation_id,
            agenda_item_id=agenda_item_id,
            created_at=now,
            created_by=by,
            updated_at=now,
        )
        ActionStatusChange.objects.create(
            action=action,
            from_status="",
            to_status=ActionStatus.OPEN,
            by=by,
            at=now,
            reason="Agreed at the panel" if agenda_item_id else "",
        )
        transaction.on_commit(partial(_enqueue_reminders, action.pk, action.due_on))
    return action


def _check_meeting_recorder(*, by: User, case: Case, agenda_item_id: int) -> None:
    from cdop.meetings.models import AgendaItem

    item = AgendaItem.objects.select_related("meeting").filter(pk=agenda_item_id).first()
    if (
        item is None
        or item.case_id != case.pk
        or not permissions.can_read_meeting(by, item.meeting)
    ):
        raise Http404("No such agenda item")
    if not permissions.can_record_meeting(by, item.meeting):
        raise DomainError("Only the meeting's chair or the review team can add actions.")


def _locked_action(*, action: Action, by: User) -> Action:
    locked = (
        Action.objects.select_for_update(of=("self",))
        .select_related("case", "owner_organisation")
        .get(pk=action.pk)
    )
    if not permissions.can_view_case(by, locked.case):
        raise Http404("No such action")
    if not permissions.can_manage_actions(by, locked.case):
        raise DomainError("Your role does not allow you to change actions.")
    return locked


def action_update(*, action: Action, by: User, details: ActionDetails) -> Action:
    """Change what the action says, who owns it or when it is due. A closed action is
    reopened first. A new due date starts the reminders again."""
    with audit_actor(by), transaction.atomic():
        locked = _locked_action(action=action, by=by)
        if locked.status in CLOSED_STATUSES:
            raise DomainError("This action is closed: reopen it before changing it.")
        _check_details(
            case=locked.case, details=details, due_unchanged=details.due_on == locked.due_on
        )
        due_changed = details.due_on != locked.due_on
        locked.description = details.description.strip()
        locked.category = details.category.strip()
        locked.owner_organisation = details.owner_organisation
        locked.owner_name = details.owner_name.strip()
        locked.owner_email = details.owner_email.strip()
        locked.due_on = details.due_on
        locked.recommendation_id = details.recommendation_id
        locked.updated_at = timezone.now()
        locked.save()
        if due_changed:
            transaction.on_commit(partial(_enqueue_reminders, locked.pk, locked.due_on))
    return locked


def action_status_change(
    *,
    action: Action,
    by: User,
    to_status: str,
    reason: str = "",
    evidence: str = "",
    file: IO[bytes] | None = None,
    filename: str = "",
) -> Action:
    """Move the action to another status, saying why.

    Done needs the evidence that it was done (text, and a document if there is one: it is
    checked and stored as a document of the case, by cdop.documents). Dropping and
    reopening need a reason. Every move is a row in the action's history."""
    reason = reason.strip()
    evidence = evidence.strip()
    with audit_actor(by), transaction.atomic():
        locked = _locked_action(action=action, by=by)
        if to_status not in ActionStatus.values:
            raise DomainError("Choose a status from the list", field="status")
        if to_status == locked.status:
            raise DomainError(
                f"This action is already {locked.get_status_display().lower()}", field="status"
            )
        if to_status not in MOVES[locked.status]:
            raise DomainError("A closed action can only be reopened: choose Open", field="status")
        if to_status == ActionStatus.DONE and not evidence:
            raise DomainError(
                "Enter the evidence that the action was done, for example what changed and "
                "where it is recorded",
                field="evidence",
            )
        if to_status == ActionStatus.DROPPED and not reason:
            raise DomainError("Enter why the action is being dropped", field="reason")
        if locked.status in CLOSED_STATUSES and not reason:
            raise DomainError("Enter why the action is being reopened", field="reason")
        if file is not None and to_status != ActionStatus.DONE:
            raise DomainError("Attach a document only when marking the action done", field="file")
        document = _evidence_document(action=locked, by=by, file=file, filename=filename)
        now = timezone.now()
        ActionStatusChange.objects.create(
            action=locked,
            from_status=locked.status,
            to_status=to_status,
            by=by,
            at=now,
            reason=reason,
        )
        locked.status = to_status
        if to_status in CLOSED_STATUSES:
            locked.closed_on = timezone.localdate()
        else:
            locked.closed_on = None
        if to_status == ActionStatus.DONE:
            locked.evidence = evidence
            if document is not None:
                locked.evidence_document = document
        locked.updated_at = now
        locked.save()
        if to_status == ActionStatus.OPEN:
            transaction.on_commit(partial(_enqueue_reminders, locked.pk, locked.due_on))
    return locked


def _evidence_document(
    *, action: Action, by: User, file: IO[bytes] | None, filename: str
) -> Document | None:
    """The evidence file, checked and stored by the documents app (its checks, its storage)."""
    if file is None:
        return None
    if not permissions.can_work_on_case(by, action.case):
        # A finalised review takes no new documents (reopening it is an amendment).
        raise DomainError(
            "Documents cannot be added to this case now that its review is finalised: "
            "describe the evidence in words instead",
            field="file",
        )
    from cdop.documents.models import Category
    from cdop.documents.services import document_upload

    return document_upload(
        case=action.case,
        by=by,
        file=file,
        filename=filename,
        category=Category.OTHER,
        title=f"Evidence for action {action.number}",
    )


# --- Escalations to the Safeguarding Children Partnership ----------------------------------

PANEL = "The Child Death Overview Panel"


@dataclass(frozen=True, kw_only=True)
class EscalationDetails:
    what: str  # what was sent, as sent
    sent_on: datetime.date
    sent_by: str = ""


def escalation_record(
    *, case: Case, by: User, agenda_item_id: int, details: EscalationDetails
) -> SafeguardingReferral:
    """Record the panel's escalation of a concern to the Safeguarding Children Partnership:
    a safeguarding concern raised by the panel, and its referral to the Partnership (the
    safeguarding records the review team already keeps, so it shows on the case's
    safeguarding page and chronology).

    The panel's chair may record it from the meeting, though not read the case's other
    safeguarding records."""
    from cdop.safeguarding.models import Recipient, SafeguardingConcern, SafeguardingReferral

    what = details.what.strip()
    today = timezone.localdate()
    with audit_actor(by), transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        _check_meeting_recorder(by=by, case=locked, agenda_item_id=agenda_item_id)
        if not what:
            raise DomainError("Enter what was sent to the Partnership", field="what")
        if details.sent_on > today:
            raise DomainError("The date it was sent must be today or in the past", field="sent_on")
        if details.sent_on < locked.date_of_death:
            raise DomainError(
                "The date it was sent must be on or after the date of death", field="sent_on"
            )
        now = timezone.now()
        concern = SafeguardingConcern.objects.create(
            case=locked,
            raised_on=details.sent_on,
            raised_by=PANEL,
            description=what,
            abuse_or_neglect=False,
            recorded_by=by,
            recorded_at=now,
        )
        return SafeguardingReferral.objects.create(
            case=locked,
            concern=concern,
            recipient=Recipient.PARTNERSHIP,
            sent_on=details.sent_on,
            sent_by=details.sent_by.strip() or PANEL,
            recorded_by=by,
            recorded_at=now,
        )


def escalation_reply_record(
    *,
    referral: SafeguardingReferral,
    by: User,
    agenda_item_id: int,
    reply: str,
    replied_on: datetime.date,
) -> SafeguardingReferral:
    """Record the Partnership's reply to the panel's escalation, and when it came. It is
    kept as the referral's decision (and its date), as the safeguarding page shows it."""
    from cdop.safeguarding.models import SafeguardingReferral

    reply = reply.strip()
    with audit_actor(by), transaction.atomic():
        locked = (
            SafeguardingReferral.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=referral.pk)
        )
        _check_meeting_recorder(by=by, case=locked.case, agenda_item_id=agenda_item_id)
        if not reply:
            raise DomainError("Enter what the Partnership replied", field="reply")
        if replied_on > timezone.localdate():
            raise DomainError(
                "The date of the reply must be today or in the past", field="replied_on"
            )
        if replied_on < locked.sent_on:
            raise DomainError(
                "The date of the reply must be on or after the date the escalation was sent",
                field="replied_on",
            )
        locked.decision = reply
        locked.decision_on = replied_on
        locked.save(update_fields=["decision", "decision_on"])
    return locked
