"""Timeline entries for clocks: when one became overdue, and when its step was done
(one query per case)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from cdop.chronology.registry import Entry, Kind

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

KINDS = (Kind("clock", "Timescales"),)


def clock_entries(user: User, case: Case) -> Iterable[Entry]:
    from cdop.clocks.selectors import clocks_for_case

    now = timezone.now()
    for clock in clocks_for_case(case=case, user=user):
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
