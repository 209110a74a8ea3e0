"""Reading safeguarding records: every reader goes through can_view_safeguarding."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.cases.blockers import Blocker, BlockerQuery, BlockerRow, blocker_queries_run
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.clocks.models import Clock
from cdop.core.compiled import compiled_rows
from cdop.core.db import db_datetime
from cdop.safeguarding.models import SafeguardingConcern, SafeguardingProfile, SafeguardingReferral
from cdop.safeguarding.services import CLOCK_KINDS


def case_get_for_safeguarding(*, user: User, reference: str) -> Case:
    """The case, if the user may see its safeguarding records; otherwise the same 404 as for
    a case that does not exist."""
    case = case_get_for_user(user=user, reference=reference)
    if not permissions.can_view_safeguarding(user, case):
        raise Http404("No such case")
    return case


def concern_get(*, case: Case, pk: int) -> SafeguardingConcern:
    concern = SafeguardingConcern.objects.filter(case=case, pk=pk).select_related("case").first()
    if concern is None:
        raise Http404("No such concern")
    return concern


def referral_get(*, case: Case, pk: int) -> SafeguardingReferral:
    referral = (
        SafeguardingReferral.objects.filter(case=case, pk=pk)
        .select_related("case", "concern")
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    return referral


@dataclass(frozen=True)
class ClockView:
    clock: Clock
    overdue: bool


@dataclass(frozen=True)
class ConcernView:
    concern: SafeguardingConcern
    referrals: list[SafeguardingReferral]
    clocks: list[ClockView]


@dataclass(frozen=True)
class Safeguarding:
    profile: SafeguardingProfile | None
    concerns: list[ConcernView]

    @property
    def notification_missing(self) -> bool:
        return self.profile is not None and self.profile.notification_missing

    @property
    def running_clocks(self) -> list[ClockView]:
        return [c for view in self.concerns for c in view.clocks if c.clock.stopped_at is None]


def safeguarding_for_case(*, case: Case) -> Safeguarding:
    """Everything safeguarding on the case, in up to four queries (the referrals only where
    there are concerns), each built once (compiled_rows). The caller has checked
    can_view_safeguarding."""
    now = timezone.now()
    concerns = compiled_rows(
        "safeguarding.concerns",
        lambda case_id: SafeguardingConcern.objects.filter(case_id=case_id).select_related(
            "recorded_by"
        ),
        case.pk,
    )
    referrals: dict[int, list[SafeguardingReferral]] = {}
    for referral in (
        compiled_rows(
            "safeguarding.referrals",
            lambda case_id: SafeguardingReferral.objects.filter(concern__case_id=case_id).order_by(
                "sent_on", "pk"
            ),
            case.pk,
        )
        if concerns
        else ()
    ):
        referrals.setdefault(referral.concern_id, []).append(referral)
    clocks: dict[str, list[ClockView]] = {}
    for clock in compiled_rows(
        "safeguarding.clocks",
        lambda case_id: Clock.objects.filter(case_id=case_id, kind__in=CLOCK_KINDS).order_by(
            "due_at", "pk"
        ),
        case.pk,
    ):
        overdue = (clock.stopped_at or now) > clock.due_at
        clocks.setdefault(clock.source, []).append(ClockView(clock, overdue))
    profiles = compiled_rows(
        "safeguarding.profile",
        lambda case_id: SafeguardingProfile.objects.filter(case_id=case_id).order_by("pk")[:1],
        case.pk,
    )
    return Safeguarding(
        profile=profiles[0] if profiles else None,
        concerns=[
            ConcernView(c, referrals.get(c.pk, []), clocks.get(f"concern:{c.pk}", []))
            for c in concerns
        ],
    )


def _blockers_build(rows: list[BlockerRow]) -> dict[int, list[Blocker]]:
    found: dict[int, list[Blocker]] = {}
    for _tag, case_id, _d1, _d2, updated_at, _n in sorted(rows, key=lambda r: r[1]):
        since = db_datetime(updated_at)
        found.setdefault(case_id, []).append(
            Blocker(
                kind="looked_after_notification",
                reason="The notification to Ofsted and the Secretary of State of the death of "
                "a looked-after child is not recorded: record it on the safeguarding page",
                since=timezone.localtime(since).date() if since else None,
                blocks=frozenset({"case_finalise"}),
            )
        )
    return found


# A looked-after child whose death is not yet recorded as notified to Ofsted and the
# Secretary of State cannot have the review finalised (a piece of the blockers' statement:
# cdop.cases.blockers.BlockerQuery).
BLOCKERS = BlockerQuery(
    sql="SELECT 'looked_after_notification', case_id, NULL, NULL, updated_at, NULL"
    " FROM safeguarding_safeguardingprofile WHERE case_id IN (SELECT id FROM cases)"
    " AND looked_after = %s AND ofsted_notified_on IS NULL",
    tags=frozenset({"looked_after_notification"}),
    build=_blockers_build,
    params=(True,),
)


def safeguarding_blockers(case_ids: list[int]) -> dict[int, list[Blocker]]:
    """The looked-after children's missing notifications, for these cases. One query."""
    return blocker_queries_run([BLOCKERS], case_ids)
