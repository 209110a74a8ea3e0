"""Everything that changes a meeting: scheduling, invitations, the agenda, attendance,
minutes, and holding it (which moves its cases along the workflow through the case
services; a meeting never sets a case's status itself)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Role
from cdop.audit.services import audit_actor
from cdop.cases import services as case_services
from cdop.cases.blockers import case_blockers
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.meetings.models import (
    AgendaItem,
    Attendance,
    Invitee,
    Meeting,
    MeetingKind,
    MeetingStatus,
    QuorumRule,
    Sector,
    Triage,
)
from cdop.meetings.selectors import cases_ready_for, meeting_quorum

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.areas.models import Area

logger = logging.getLogger(__name__)

# The blocker the investigations app reports while a post-mortem report is awaited.
POST_MORTEM_BLOCKER = "post_mortem_report"
# Cases whose CDRM may be scheduled: still gathering information, or ready for it.
CDRM_SCHEDULABLE = frozenset({Status.INFORMATION_GATHERING, Status.AWAITING_CDRM})


@dataclass(frozen=True)
class Person:
    """Someone to invite: a user of the platform, or an outside professional (user None)."""

    name: str
    email: str
    sector: str
    organisation: str = ""
    role: str = ""
    user: User | None = None


def sector_for_roles(roles: Iterable[str]) -> str:
    """A sensible first guess of the sector a member of staff sits for (changeable)."""
    held = set(roles)
    if Role.PANEL_CHAIR in held:
        return Sector.CHAIR
    if Role.DESIGNATED_DOCTOR in held or Role.KEY_WORKER in held:
        return Sector.HEALTH
    return Sector.OTHER


def person_from_user(user: User, *, roles: Iterable[str] = ()) -> Person:
    return Person(
        name=user.full_name or user.email,
        email=user.email,
        sector=sector_for_roles(roles),
        user=user,
    )


def _must_manage(by: User, area_id: int) -> None:
    if not permissions.can_manage_meetings(by, area_id):
        raise Http404


def _must_run_or_chair(by: User, meeting: Meeting) -> None:
    if not (
        permissions.can_manage_meetings(by, meeting.area_id)
        or permissions.can_record_meeting(by, meeting)
    ):
        raise Http404


def _must_be_scheduled(meeting: Meeting, doing: str) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise DomainError(
            f"This meeting has been {meeting.get_status_display().lower()}, so you cannot "
            f"{doing} any more."
        )


def _check_when_and_where(*, starts_at: datetime, place: str, video_link: str) -> None:
    if starts_at <= timezone.now():
        raise DomainError(
            "The meeting must be in the future: enter a date and time from now on",
            field="starts_at",
        )
    if not place.strip() and not video_link.strip():
        raise DomainError("Enter where the meeting is, or a video link, or both", field="place")


def _cdrm_refusal(case: Case) -> str | None:
    """Why a CDRM cannot be scheduled for this case, in words for the user, or None."""
    if case.status not in CDRM_SCHEDULABLE:
        return (
            f"Case {case.reference} is at the stage “{case.get_status_display()}”. A child "
            "death review meeting can be scheduled only for a case gathering information "
            "or awaiting its meeting."
        )
    for blocker in case_blockers(case.pk):
        if blocker.kind == POST_MORTEM_BLOCKER or "case_record_cdrm_held" in blocker.blocks:
            return (
                f"The child death review meeting for case {case.reference} cannot be "
                f"scheduled yet: {blocker.reason[0].lower()}{blocker.reason[1:].rstrip('.')}. "
                "The meeting is held only once the post-mortem report is available; record "
                "the report as received on the case, then schedule the meeting."
            )
    if AgendaItem.objects.filter(
        case=case, meeting__kind=MeetingKind.CDRM, meeting__status=MeetingStatus.SCHEDULED
    ).exists():
        return f"Case {case.reference} already has a child death review meeting scheduled."
    return None


def meeting_schedule(
    *,
    area: Area,
    kind: str,
    title: str,
    starts_at: datetime,
    by: User,
    invitees: Sequence[Person],
    theme: str = "",
    place: str = "",
    video_link: str = "",
    case: Case | None = None,
    add_ready_cases: bool = True,
) -> Meeting:
    """Schedule a CDRM (for one case) or a panel meeting, invite people, build the agenda
    (a CDRM's one case; for a panel, if asked, every case awaiting the panel not already on
    another meeting's agenda) and email the invitations once committed."""
    _must_manage(by, area.pk)
    if kind not in MeetingKind.values:
        raise DomainError("Choose a child death review meeting or a panel meeting", field="kind")
    _check_when_and_where(starts_at=starts_at, place=place, video_link=video_link)
    if not invitees:
        raise DomainError("Invite at least one person to the meeting", field="staff")
    emails = [p.email.strip().lower() for p in invitees]
    if len(set(emails)) != len(emails):
        raise DomainError("Each person can be invited only once: remove the repeat", field="staff")
    with audit_actor(by), transaction.atomic():
        locked_case: Case | None = None
        if kind == MeetingKind.CDRM:
            if case is None:
                raise DomainError("Enter the reference of the case to be reviewed", field="case")
            locked_case = Case.objects.select_for_update().get(pk=case.pk)
            if locked_case.area_id != area.pk or not permissions.can_view_case(by, locked_case):
                raise DomainError(
                    "Enter the reference of a case of this area, for example LLR-2026-0001",
                    field="case",
                )
            refusal = _cdrm_refusal(locked_case)
            if refusal:
                raise DomainError(refusal, field="case")
        now = timezone.now()
        meeting = Meeting.objects.create(
            area=area,
            kind=kind,
            title=title.strip(),
            theme=theme.strip() if kind == MeetingKind.PANEL else "",
            starts_at=starts_at,
            place=place.strip(),
            video_link=video_link.strip(),
            created_by=by,
            created_at=now,
        )
        created = [
            Invitee.objects.create(
                meeting=meeting,
                user=p.user,
                name=p.name.strip(),
                email=p.email.strip().lower(),
                organisation=p.organisation.strip(),
                role=p.role.strip(),
                sector=p.sector,
            )
            for p in invitees
        ]
        if locked_case is not None:
            AgendaItem.objects.create(meeting=meeting, case=locked_case, position=1)
        elif add_ready_cases:
            busy = AgendaItem.objects.filter(
                meeting__status=MeetingStatus.SCHEDULED, discussed_at__isnull=True
            ).values("case_id")
            ready = cases_ready_for(meeting=meeting).exclude(pk__in=busy)
            AgendaItem.objects.bulk_create(
                AgendaItem(meeting=meeting, case=c, position=n)
                for n, c in enumerate(ready, start=1)
            )
        _email_on_commit(meeting, [i.pk for i in created], "invited")
    return meeting


def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    starts_at: datetime,
    theme: str = "",
    place: str = "",
    video_link: str = "",
) -> bool:
    """Change a meeting's details. If the date, time, place or link changed, everyone
    invited is sent the invitation again; returns whether it was."""
    _must_manage(by, meeting.area_id)
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _must_be_scheduled(locked, "change it")
        if starts_at != locked.starts_at:
            _check_when_and_where(starts_at=starts_at, place=place, video_link=video_link)
        elif not place.strip() and not video_link.strip():
            raise DomainError("Enter where the meeting is, or a video link, or both", field="place")
        moved = (starts_at, place.strip(), video_link.strip()) != (
            locked.starts_at,
            locked.place,
            locked.video_link,
        )
        locked.title = title.strip()
        locked.theme = theme.strip() if locked.kind == MeetingKind.PANEL else ""
        locked.starts_at = starts_at
        locked.place = place.strip()
        locked.video_link = video_link.strip()
        locked.save(update_fields=["title", "theme", "starts_at", "place", "video_link"])
        if moved:
            ids = list(locked.invitees.values_list("pk", flat=True))
            _email_on_commit(locked, ids, "changed")
    return moved


def meeting_cancel(*, meeting: Meeting, by: User, reason: str) -> Meeting:
    """Cancel the meeting and tell everyone invited. Its cases stay where they are and can
    go on another meeting's agenda."""
    _must_manage(by, meeting.area_id)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the meeting is cancelled", field="reason")
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _must_be_scheduled(locked, "cancel it")
        locked.status = MeetingStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        ids = list(locked.invitees.values_list("pk", flat=True))
        _email_on_commit(locked, ids, "cancelled")
    return locked


# --- Invitees ---------------------------------------------------------------------------


def invitee_add(*, meeting: Meeting, by: User, person: Person) -> Invitee:
    _must_manage(by, meeting.area_id)
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _must_be_scheduled(locked, "invite anyone")
        email = person.email.strip().lower()
        if locked.invitees.filter(email=email).exists():
            raise DomainError(f"{email} is already invited to this meeting", field="email")
        invitee = Invitee.objects.create(
            meeting=locked,
            user=person.user,
            name=person.name.strip(),
            email=email,
            organisation=person.organisation.strip(),
            role=person.role.strip(),
            sector=person.sector,
        )
        _email_on_commit(locked, [invitee.pk], "invited")
    return invitee


def invitee_update(
    *, invitee: Invitee, by: User, sector: str, role: str, organisation: str
) -> None:
    _must_manage(by, invitee.meeting.area_id)
    if sector not in Sector.values:
        raise DomainError("Choose the sector the person attends for", field="sector")
    with audit_actor(by), transaction.atomic():
        invitee.sector = sector
        invitee.role = role.strip()
        invitee.organisation = organisation.strip()
        invitee.save(update_fields=["sector", "role", "organisation"])


def invitee_remove(*, invitee: Invitee, by: User) -> None:
    _must_manage(by, invitee.meeting.area_id)
    with audit_actor(by), transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=invitee.meeting_id)
        _must_be_scheduled(meeting, "remove anyone")
        invitee.delete()


def attendance_record(*, meeting: Meeting, by: User, attendance: dict[int, str]) -> int:
    """Record who attended and who sent apologies (by invitee id); the number changed."""
    if not permissions.can_record_meeting(by, meeting):
        raise Http404
    if any(value not in Attendance.values for value in attendance.values()):
        raise DomainError("Choose attended, apologies or not recorded for each person")
    changed = 0
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == MeetingStatus.CANCELLED:
            raise DomainError("This meeting was cancelled, so there is no attendance to record.")
        for invitee in locked.invitees.all():
            value = attendance.get(invitee.pk)
            if value is not None and value != invitee.attendance:
                invitee.attendance = value
                invitee.save(update_fields=["attendance"])
                changed += 1
    return changed


# --- The agenda -------------------------------------------------------------------------


def agenda_add(*, meeting: Meeting, by: User, case: Case) -> AgendaItem:
    _must_manage(by, meeting.area_id)
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _must_be_scheduled(locked, "change its agenda")
        if case.area_id != locked.area_id or not permissions.can_view_case(by, case):
            raise DomainError("Enter the reference of a case of this area", field="case")
        if locked.kind == MeetingKind.CDRM:
            raise DomainError(
                "A child death review meeting is about one case. Schedule another meeting "
                "for this case."
            )
        if case.status != Status.AWAITING_PANEL:
            raise DomainError(
                f"Case {case.reference} is at the stage “{case.get_status_display()}”: only "
                "cases awaiting the panel can go on a panel's agenda.",
                field="case",
            )
        if locked.items.filter(case=case).exists():
            raise DomainError(f"Case {case.reference} is already on the agenda", field="case")
        last = locked.items.aggregate(last=Max("position"))["last"] or 0
        return AgendaItem.objects.create(meeting=locked, case=case, position=last + 1)


def agenda_remove(*, item: AgendaItem, by: User) -> None:
    _must_manage(by, item.meeting.area_id)
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        _must_be_scheduled(locked, "change its agenda")
        if locked.kind == MeetingKind.CDRM:
            raise DomainError(
                "A child death review meeting is about its one case: cancel the meeting instead."
            )
        if item.discussed_at is not None:
            raise DomainError("This case has been discussed, so it stays on the agenda.")
        item.delete()
        _renumber(locked)


def _renumber(meeting: Meeting) -> None:
    for n, item in enumerate(meeting.items.order_by("position", "pk"), start=1):
        if item.position != n:
            item.position = n
            item.save(update_fields=["position"])


def agenda_move(*, item: AgendaItem, by: User, direction: str) -> bool:
    """Move an item one place up or down; False when it is already at that end."""
    _must_manage(by, item.meeting.area_id)
    if direction not in ("up", "down"):
        raise DomainError("Choose up or down")
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        _must_be_scheduled(locked, "change its agenda")
        items = list(locked.items.order_by("position", "pk"))
        index = next(n for n, i in enumerate(items) if i.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if other < 0 or other >= len(items):
            return False
        items[index], items[other] = items[other], items[index]
        for n, moved in enumerate(items, start=1):
            if moved.position != n:
                moved.position = n
                moved.save(update_fields=["position"])
    return True


def agenda_item_triage(*, item: AgendaItem, by: User, triage: str, reason: str) -> AgendaItem:
    """Mark the case for a full or a short discussion. A short discussion (a case unlikely
    to bring new learning, such as extreme prematurity with a clear cause) needs a reason;
    the reason is kept either way."""
    _must_manage(by, item.meeting.area_id)
    reason = reason.strip()
    if triage not in Triage.values:
        raise DomainError("Choose a full or a short discussion", field="triage")
    if triage == Triage.SHORT and not reason:
        raise DomainError(
            "Say why this case needs only a short discussion, for example extreme "
            "prematurity with a clear cause of death",
            field="reason",
        )
    with audit_actor(by), transaction.atomic():
        locked = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        _must_be_scheduled(locked.meeting, "change its triage")
        if locked.discussed_at is not None:
            raise DomainError("This case has already been discussed.")
        locked.triage = triage
        locked.triage_reason = reason
        locked.triage_set_by = by
        locked.triage_set_at = timezone.now()
        locked.save(update_fields=["triage", "triage_reason", "triage_set_by", "triage_set_at"])
    return locked


def agenda_item_minutes(*, item: AgendaItem, by: User, minutes: str) -> AgendaItem:
    if not permissions.can_record_meeting(by, item.meeting):
        raise Http404
    with audit_actor(by), transaction.atomic():
        locked = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        if locked.meeting.status == MeetingStatus.CANCELLED:
            raise DomainError("This meeting was cancelled, so it has no minutes.")
        locked.minutes = minutes.strip()
        locked.minutes_by = by
        locked.minutes_at = timezone.now()
        locked.save(update_fields=["minutes", "minutes_by", "minutes_at"])
    return locked


def _must_have_started(meeting: Meeting) -> None:
    if timezone.localdate(meeting.starts_at) > timezone.localdate():
        raise DomainError(
            f"This meeting is on {_when(meeting)}: record it on the day or afterwards."
        )


def _must_be_quorate(meeting: Meeting, doing: str) -> None:
    quorum = meeting_quorum(meeting=meeting)
    if not quorum.quorate:
        raise DomainError(
            f"You cannot {doing} because the meeting is not quorate: nobody is recorded as "
            f"attending for {_join(quorum.missing)}. Record the attendance first; a meeting "
            "that is not quorate cannot review cases."
        )


def agenda_item_discussed(*, item: AgendaItem, by: User) -> AgendaItem:
    """The panel discussed this case: the case moves from awaiting the panel to reviewed by
    the panel (case_record_panel_review). Only when the meeting is quorate. Recorded by the
    people who run meetings, or by the meeting's chair."""
    _must_run_or_chair(by, item.meeting)
    with audit_actor(by), transaction.atomic():
        locked = (
            AgendaItem.objects.select_for_update().select_related("meeting", "case").get(pk=item.pk)
        )
        meeting = locked.meeting
        if meeting.kind != MeetingKind.PANEL:
            raise DomainError("Record a child death review meeting as held instead.")
        if meeting.status == MeetingStatus.CANCELLED:
            raise DomainError("This meeting was cancelled.")
        if locked.discussed_at is not None:
            raise DomainError("This case is already recorded as discussed.")
        _must_have_started(meeting)
        _must_be_quorate(meeting, "record this case as discussed")
        case_services.case_record_panel_review(
            case=locked.case, by=by, reason=f"Discussed at the panel meeting “{meeting.title}”"
        )
        locked.discussed_at = timezone.now()
        locked.discussed_by = by
        locked.save(update_fields=["discussed_at", "discussed_by"])
    return locked


def meeting_mark_held(*, meeting: Meeting, by: User) -> Meeting:
    """Record that the meeting took place. A CDRM moves its case on
    (case_record_cdrm_held); a panel must be quorate, and its cases move one by one as
    each is recorded as discussed."""
    if meeting.kind == MeetingKind.PANEL:
        _must_run_or_chair(by, meeting)
    else:
        # A CDRM moves a case that only those who run cases may read.
        _must_manage(by, meeting.area_id)
    with audit_actor(by), transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _must_be_scheduled(locked, "record it as held")
        _must_have_started(locked)
        now = timezone.now()
        if locked.kind == MeetingKind.PANEL:
            _must_be_quorate(locked, "record the meeting as held")
        else:
            for item in locked.items.select_related("case").filter(discussed_at__isnull=True):
                case_services.case_record_cdrm_held(
                    case=item.case, by=by, reason=f"Meeting “{locked.title}” held"
                )
                item.discussed_at = now
                item.discussed_by = by
                item.save(update_fields=["discussed_at", "discussed_by"])
        locked.status = MeetingStatus.HELD
        locked.held_at = now
        locked.save(update_fields=["status", "held_at"])
    return locked


# --- Quorum ------------------------------------------------------------------------------


def quorum_rule_set(
    *, area: Area, by: User, chair_required: bool, sectors: Sequence[str]
) -> QuorumRule:
    if not permissions.can_edit_quorum_rule(by, area.pk):
        raise Http404
    unknown = [s for s in sectors if s not in Sector.values or s == Sector.CHAIR]
    if unknown:
        raise DomainError("Choose sectors from the list", field="sectors")
    if not chair_required and not sectors:
        raise DomainError(
            "A meeting needs someone present to be quorate: require the chair or at least "
            "one sector",
            field="sectors",
        )
    with audit_actor(by), transaction.atomic():
        rule, _ = QuorumRule.objects.select_for_update().get_or_create(area=area)
        rule.chair_required = chair_required
        rule.sectors = [s for s in Sector.values if s in sectors]
        rule.updated_by = by
        rule.updated_at = timezone.now()
        rule.save()
    return rule


# --- Emails -------------------------------------------------------------------------------


def _email_on_commit(meeting: Meeting, invitee_ids: list[int], reason: str) -> None:
    if invitee_ids:
        transaction.on_commit(partial(_enqueue_emails, meeting.pk, invitee_ids, reason))


def _enqueue_emails(meeting_id: int, invitee_ids: list[int], reason: str) -> None:
    from cdop.meetings.tasks import meeting_email_invitees

    meeting_email_invitees.enqueue(meeting_id=meeting_id, invitee_ids=invitee_ids, reason=reason)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _when(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


SUBJECTS = {
    "invited": "Invitation: {title}",
    "changed": "Changed: {title}",
    "cancelled": "Cancelled: {title}",
}


def meeting_email_text(*, meeting: Meeting, reason: str) -> tuple[str, str]:
    """The subject and body of an email about the meeting. No personal details of any
    child or family: the meeting's title, when, where, and a link to sign in."""
    link = settings.SITE_URL.rstrip("/") + reverse(
        "meetings:detail", kwargs={"meeting_id": meeting.pk}
    )
    where = "\n".join(
        line
        for line in (
            f"Place: {meeting.place}" if meeting.place else "",
            f"Video link: {meeting.video_link}" if meeting.video_link else "",
        )
        if line
    )
    opening = {
        "invited": f"You are invited to a meeting of the {meeting.area.name} child death "
        "review partners.",
        "changed": "The date, time or place of this meeting has changed. These are the "
        "new details.",
        "cancelled": "This meeting has been cancelled. Please remove it from your diary.",
    }[reason]
    body = (
        f"Hello,\n\n{opening}\n\n"
        f"Meeting: {meeting.title}\n"
        f"{meeting.get_kind_display()}\n"
        f"When: {_when(meeting)}\n"
        f"{where}\n\n"
    )
    if reason != "cancelled":
        body += (
            "If you have an account, sign in to see the agenda and the papers when they "
            f"are ready:\n{link}\n\n"
            "If you cannot attend, please send your apologies to the child death review "
            "team"
            + (f" at {meeting.area.contact_email}" if meeting.area.contact_email else "")
            + ".\n\n"
        )
    body += "This email contains no personal details on purpose."
    return SUBJECTS[reason].format(title=meeting.title), body


def meeting_send_emails(*, meeting_id: int, invitee_ids: list[int], reason: str) -> int:
    meeting = Meeting.objects.select_related("area").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    if reason != "cancelled" and meeting.status != MeetingStatus.SCHEDULED:
        return 0  # cancelled since it was queued: the cancellation went instead
    subject, body = meeting_email_text(meeting=meeting, reason=reason)
    sent = 0
    for invitee in Invitee.objects.filter(meeting=meeting, pk__in=invitee_ids):
        try:
            send_mail(
                subject=subject, message=body, from_email=None, recipient_list=[invitee.email]
            )
        except (smtplib.SMTPException, OSError):
            logger.exception("Could not email a meeting invitee")
            continue
        sent += 1
        if reason != "cancelled":
            invitee.invited_at = timezone.now()
            invitee.save(update_fields=["invited_at"])
    return sent
