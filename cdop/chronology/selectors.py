from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from cdop.chronology.forms import OLDEST_FIRST
from cdop.chronology.registry import Entry, chronology_for_case

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cdop.accounts.models import User
    from cdop.cases.models import Case


def chronology_entries(
    *,
    user: User,
    case: Case,
    kinds: Iterable[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    order: str = "",
) -> list[Entry]:
    """The case's timeline for a reader (the case already checked readable by them),
    filtered by kind and by day (in UK time, both days included)."""
    entries = chronology_for_case(user=user, case=case, kinds=kinds)
    if date_from or date_to:
        entries = [
            e
            for e in entries
            if (date_from is None or timezone.localdate(e.at) >= date_from)
            and (date_to is None or timezone.localdate(e.at) <= date_to)
        ]
    if order != OLDEST_FIRST:
        entries.reverse()
    return entries


def chronology_latest(*, user: User, case: Case, count: int = 10) -> list[Entry]:
    """The newest entries, newest first, for the case page."""
    return chronology_for_case(user=user, case=case)[-count:][::-1]
