"""Reading the events of a case, and what they mean for the review."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.cases.blockers import (
    Blocker,
    BlockerQuery,
    BlockerRow,
    blocker_queries_run,
    case_blockers,
)
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.core.compiled import compiled_rows
from cdop.core.db import db_date, db_datetime
from cdop.investigations.kinds import KINDS, EventKind
from cdop.investigations.models import CaseEvent, PostMortemType
from cdop.notifications.reference import YesNoNotKnown

# The transitions that take a case to, and through, its child death review meeting.
CDRM_TRANSITIONS = frozenset({"case_ready_for_cdrm", "case_record_cdrm_held"})


def events_for_case(*, case: Case) -> dict[str, list[CaseEvent]]:
    """Every event of the case, by kind (one query per kind, each built once:
    compiled_rows)."""

    def of_kind(model: type[CaseEvent]) -> Callable[[int], QuerySet[CaseEvent]]:
        return lambda case_id: model._default_manager.filter(case_id=case_id).select_related(
            "recorded_by"
        )

    return {
        slug: compiled_rows(f"investigations.events_for_case.{slug}", of_kind(kind.model), case.pk)
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


# The three kinds of blocker, as a piece of the one statement that asks every step for the
# blockers of the cases shown (cdop.cases.blockers.BlockerQuery). Each row: kind, case, a
# date, a second date, a time, and an id to keep their order.
_BLOCKERS_SQL = """
SELECT 'post_mortem_report', pm.case_id, pm.performed_on, pm.requested_on, pm.recorded_at, pm.id
  FROM investigations_postmortem pm
 WHERE pm.case_id IN (SELECT id FROM cases)
   AND pm.report_received_on IS NULL AND pm.pm_type <> %s
UNION ALL
SELECT 'post_mortem_unrecorded', n.case_id, NULL, NULL, NULL, MIN(n.id)
  FROM notifications_notification n
 WHERE n.case_id IN (SELECT id FROM cases) AND n.post_mortem = %s
   AND NOT EXISTS (SELECT 1 FROM investigations_postmortem p WHERE p.case_id = n.case_id)
 GROUP BY n.case_id
UNION ALL
SELECT 'inquest', i.case_id, i.opened_on, NULL, NULL, i.id
  FROM investigations_inquest i
 WHERE i.case_id IN (SELECT id FROM cases) AND i.concluded_on IS NULL
"""
_KIND_ORDER = {"post_mortem_report": 0, "post_mortem_unrecorded": 1, "inquest": 2}


def _blockers_build(rows: list[BlockerRow]) -> dict[int, list[Blocker]]:
    found: dict[int, list[Blocker]] = {}
    for kind, case_id, first, second, recorded_at, _pk in sorted(
        rows, key=lambda r: (_KIND_ORDER[r[0]], r[1], r[5])
    ):
        found.setdefault(case_id, []).append(
            _blocker(kind, db_date(first), db_date(second), db_datetime(recorded_at))
        )
    return found


BLOCKERS = BlockerQuery(
    sql=_BLOCKERS_SQL,
    tags=frozenset(_KIND_ORDER),
    build=_blockers_build,
    params=(PostMortemType.NONE, YesNoNotKnown.YES),
)


def investigation_blockers(case_ids: list[int]) -> dict[int, list[Blocker]]:
    """Post-mortem reports awaited (these refuse the meeting), a post-mortem a notifier
    expected but nobody recorded, and inquests not yet concluded (these two only explain).
    One query."""
    return blocker_queries_run([BLOCKERS], case_ids)


def _blocker(
    kind: str,
    first: datetime.date | None,
    second: datetime.date | None,
    recorded_at: datetime.datetime | None,
) -> Blocker:
    if kind == "post_mortem_report":
        # The date we have been waiting since: performed, else requested, else recorded
        # (as PostMortem.awaited_since).
        since = first or second or (recorded_at.date() if recorded_at else None)
        return Blocker(
            kind=kind,
            reason=f"Waiting for the post-mortem report since {_day(since)}",
            since=since,
            blocks=CDRM_TRANSITIONS,
        )
    if kind == "post_mortem_unrecorded":
        # A notifier said there would be a post-mortem, and none is recorded: explained,
        # not refused, since a notifier's answer is not yet the team's knowledge.
        return Blocker(
            kind=kind,
            reason="A notifier said there would be a post-mortem, but none is recorded: "
            "record it, or record that there was none",
        )
    return Blocker(
        kind=kind,
        reason=f"Inquest not yet concluded (opened {_day(first)})",
        since=first,
    )


def cdrm_blockers(*, case: Case) -> list[Blocker]:
    """Why this case cannot have its child death review meeting yet, from every step of the
    process (not only this one): the meetings step asks this before scheduling."""
    return [b for b in case_blockers(case.pk) if b.blocks & CDRM_TRANSITIONS]
