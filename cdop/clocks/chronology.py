"""Timeline entries for clocks: when one became overdue, and when its step was done
(one query per case)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

KINDS = (Kind("clock", "Timescales"),)


def clock_entries(user: User, case: Case) -> Iterable[Entry]:
    from cdop.accounts import permissions
    from cdop.clocks.models import Clock

    now = timezone.now()
    # Every clock, built once (compiled_rows); those the reader may not see (safeguarding
    # clocks, for a key worker) left out here, as clocks_for_case leaves them out.
    hidden = {
        kind
        for kind in permissions.SAFEGUARDING_CLOCK_KINDS
        if not permissions.can_view_clock_kind(user, case, kind)
    }
    clocks = compiled_rows(
        "chronology.clocks",
        lambda case_id: Clock.objects.filter(case_id=case_id).order_by("due_at", "pk"),
        case.pk,
    )
    for clock in (c for c in clocks if c.kind not in hidden):
        done = clock.stopped_at
        if clock.due_at < now and (done is None or done > clock.due_at):
            yield Entry(at=clock.due_at, kind="clock", title=f"Overdue: {clock.label}")
        if done is not None:
            if clock.cancelled:
                title = f"No longer applies: {clock.label}"
            elif done <= clock.due_at:
                title = f"Met: {clock.label}"
            else:
                title = f"Met late: {clock.label}"
            yield Entry(at=done, kind="clock", title=title)
