"""Reading the events of a case, and what they mean for the review."""

from __future__ import annotations

from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.cases.blockers import Blocker, case_blockers
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.investigations.kinds import KINDS, EventKind
from cdop.investigations.models import CaseEvent, Inquest, PostMortem
from cdop.notifications.models import Notification
from cdop.notifications.reference import YesNoNotKnown

# The transitions that take a case to, and through, its child death review meeting.
CDRM_TRANSITIONS = frozenset({"case_ready_for_cdrm", "case_record_cdrm_held"})


def events_for_case(*, case: Case) -> dict[str, list[CaseEvent]]:
    """Every event of the case, by kind (one query per kind)."""
    return {
        slug: list(kind.model._default_manager.filter(case=case).select_related("recorded_by"))
        for slug, kind in KINDS.items()
    }


def case_get_for_event_work(*, user: User, reference: str) -> Case:
    """The case, if the user may add events to it; otherwise 404, whether or not they may read
    it, so that nothing is revealed."""
    case = case_get_for_user(user=user, reference=reference)
    if not permissions.can_work_on_case(user, case):
        raise Http404("No such case")
    return case


def event_get(*, case: Case, kind: EventKind, pk: int) -> CaseEvent:
    event = kind.model._default_manager.filter(case=case, pk=pk).select_related("case").first()
    if event is None:
        raise Http404("No such event")
    return event


def _day(value: object) -> str:
    return f"{value.day} {value:%B %Y}"  # type: ignore[attr-defined]


def investigation_blockers(case_ids: list[int]) -> dict[int, list[Blocker]]:
    """The blocker provider: post-mortem reports awaited (these refuse the meeting) and
    inquests not yet concluded (these only explain)."""
    found: dict[int, list[Blocker]] = {}
    awaited = (
        PostMortem.objects.filter(case_id__in=case_ids, report_received_on=None)
        .exclude(pm_type="none")
        .order_by("case_id", "pk")
        .values_list("case_id", "performed_on", "requested_on", "recorded_at")
    )
    for case_id, performed_on, requested_on, recorded_at in awaited:
        # The date we have been waiting since: performed, else requested, else recorded
        # (as PostMortem.awaited_since).
        since = performed_on or requested_on or recorded_at.date()
        found.setdefault(case_id, []).append(
            Blocker(
                kind="post_mortem_report",
                reason=f"Waiting for the post-mortem report since {_day(since)}",
                since=since,
                blocks=CDRM_TRANSITIONS,
            )
        )
    # A notifier said there would be a post-mortem, and none is recorded: explained, not
    # refused, since a notifier's answer is not yet the team's knowledge.
    recorded = PostMortem.objects.filter(case_id__in=case_ids).values("case_id")
    expected = (
        Notification.objects.filter(case_id__in=case_ids, post_mortem=YesNoNotKnown.YES)
        .exclude(case_id__in=recorded)
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case_id in sorted(expected):
        found.setdefault(case_id, []).append(
            Blocker(
                kind="post_mortem_unrecorded",
                reason="A notifier said there would be a post-mortem, but none is recorded: "
                "record it, or record that there was none",
            )
        )
    inquests = (
        Inquest.objects.filter(case_id__in=case_ids, concluded_on=None)
        .order_by("case_id", "pk")
        .only("case_id", "opened_on")
    )
    for inquest in inquests:
        found.setdefault(inquest.case_id, []).append(
            Blocker(
                kind="inquest",
                reason=f"Inquest not yet concluded (opened {_day(inquest.opened_on)})",
                since=inquest.opened_on,
            )
        )
    return found


def cdrm_blockers(*, case: Case) -> list[Blocker]:
    """Why this case cannot have its child death review meeting yet, from every step of the
    process (not only this one): the meetings step asks this before scheduling."""
    return [b for b in case_blockers(case.pk) if b.blocks & CDRM_TRANSITIONS]
