"""Reading meetings. Every getter answers 404 to a user who may not read the meeting, so a
meeting's number tells them nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Role
from cdop.core.compiled import compiled_rows
from cdop.meetings.models import (
    AgendaItem,
    Attendance,
    Invitee,
    Meeting,
    MeetingStatus,
    QuorumRule,
    Sector,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cdop.accounts.models import User
    from cdop.cases.models import Case


def meeting_get_for_user(*, user: User | AnonymousUser, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("area").filter(pk=meeting_id).first()
    if meeting is None or not permissions.can_read_meeting(user, meeting):
        raise Http404("No such meeting")
    return meeting


def agenda_item_get_for_user(
    *, user: User | AnonymousUser, meeting_id: int, item_id: int
) -> AgendaItem:
    """One agenda item, with its meeting (and area) and case: 404 unless the user may read
    the meeting (an invitee with an account, or an area case reader of its area)."""
    item = (
        AgendaItem.objects.select_related("meeting", "meeting__area", "case")
        .filter(pk=item_id, meeting_id=meeting_id)
        .first()
    )
    if item is None or not permissions.can_read_meeting(user, item.meeting):
        raise Http404("No such agenda item")
    return item


def meetings_visible_q(user: User | AnonymousUser) -> Q:
    """The meetings a user may read, as a filter: the database twin of can_read_meeting."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    invited = Invitee.objects.filter(user_id=user.pk).values("meeting_id")
    return Q(area_id__in=areas) | Q(pk__in=invited)


@dataclass
class MeetingLists:
    upcoming: list[Meeting]
    past: list[Meeting]


def meetings_for_user(
    *, user: User | AnonymousUser, area_id: int | None = None, past_limit: int = 50
) -> MeetingLists:
    """Upcoming meetings (soonest first) and past or cancelled ones (latest first), each
    annotated with `item_count` and `invitee_count`: two queries whatever the number."""
    now = timezone.now()
    base: QuerySet[Meeting] = (
        Meeting.objects.filter(meetings_visible_q(user))
        .select_related("area")
        .annotate(
            item_count=Count("items", distinct=True),
            invitee_count=Count("invitees", distinct=True),
        )
    )
    if area_id is not None:
        base = base.filter(area_id=area_id)
    upcoming = list(
        base.filter(starts_at__gte=now, status=MeetingStatus.SCHEDULED).order_by("starts_at", "pk")
    )
    past = list(
        base.exclude(starts_at__gte=now, status=MeetingStatus.SCHEDULED).order_by(
            "-starts_at", "-pk"
        )[:past_limit]
    )
    return MeetingLists(upcoming=upcoming, past=past)


def agenda_items_for(*, meeting: Meeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting).select_related("case").order_by("position", "pk")
    )


def invitees_for(*, meeting: Meeting) -> list[Invitee]:
    return list(Invitee.objects.filter(meeting=meeting).order_by("sector", "name", "pk"))


DEFAULT_QUORUM_SECTORS: tuple[str, ...] = (
    Sector.PUBLIC_HEALTH,
    Sector.HEALTH,
    Sector.LOCAL_AUTHORITY,
    Sector.POLICE,
)


@dataclass(frozen=True)
class QuorumSpec:
    chair_required: bool
    sectors: tuple[str, ...]


def quorum_rule_for(*, area_id: int) -> QuorumSpec:
    rule = QuorumRule.objects.filter(area_id=area_id).first()
    if rule is None:
        return QuorumSpec(chair_required=True, sectors=DEFAULT_QUORUM_SECTORS)
    return QuorumSpec(
        chair_required=rule.chair_required,
        sectors=tuple(s for s in Sector.values if s in rule.sectors and s != Sector.CHAIR),
    )


@dataclass
class Quorum:
    quorate: bool
    missing: list[str] = field(default_factory=list)  # plain English: "the chair", "police"
    recorded: bool = False  # whether any attendance has been recorded yet

    @property
    def summary(self) -> str:
        if self.quorate:
            return "The meeting is quorate."
        return "The meeting is not quorate: nobody attending from " + _join(self.missing) + "."


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def quorum_of(*, rule: QuorumSpec, invitees: list[Invitee]) -> Quorum:
    """Whether those recorded as attending make the meeting quorate, and who is missing."""
    present = {i.sector for i in invitees if i.attendance == Attendance.ATTENDED}
    missing = []
    if rule.chair_required and Sector.CHAIR not in present:
        missing.append("the chair")
    labels = dict(Sector.choices)
    missing.extend(str(labels[s]).lower() for s in rule.sectors if s not in present)
    return Quorum(
        quorate=not missing,
        missing=missing,
        recorded=any(i.attendance != Attendance.UNKNOWN for i in invitees),
    )


def meeting_quorum(*, meeting: Meeting) -> Quorum:
    return quorum_of(
        rule=quorum_rule_for(area_id=meeting.area_id), invitees=invitees_for(meeting=meeting)
    )


def cases_ready_for(*, meeting: Meeting) -> QuerySet[Case]:
    """Cases that could be added to this meeting's agenda: for a panel, the area's cases
    awaiting the panel not already on it; for a CDRM, cases awaiting their CDRM."""
    from cdop.cases.models import Case
    from cdop.cases.workflow import Status

    status = Status.AWAITING_PANEL if meeting.kind == "panel" else Status.AWAITING_CDRM
    return (
        Case.objects.filter(area_id=meeting.area_id, status=status, merged_into__isnull=True)
        .exclude(agenda_items__meeting=meeting)
        .order_by("date_of_death", "pk")
    )


def area_staff_for_invitation(*, area_id: int) -> list[User]:
    """The active users with a role in the area, for the invitation picker."""
    from cdop.accounts.models import User

    return list(
        User.objects.filter(is_active=True, memberships__area_id=area_id)
        .distinct()
        .order_by("full_name", "pk")
    )


def staff_roles_in_area(*, area_id: int) -> dict[int, list[str]]:
    """Each user's roles in the area, in words (one query)."""
    from cdop.accounts.models import Membership

    labels = dict(Role.choices)
    roles: dict[int, list[str]] = {}
    for user_id, role in Membership.objects.filter(area_id=area_id).values_list("user_id", "role"):
        roles.setdefault(user_id, []).append(str(labels.get(role, role)))
    return roles


def agenda_items_for_case(*, case: Case) -> list[AgendaItem]:
    """Every meeting the case is (or was) on, newest first (one query, built once:
    compiled_rows)."""
    return compiled_rows(
        "meetings.agenda_items_for_case",
        lambda case_id: (
            AgendaItem.objects.filter(case_id=case_id)
            .select_related("meeting")
            .order_by("-meeting__starts_at", "-pk")
        ),
        case.pk,
    )
