"""Starting and stopping clocks. Other steps call these inside their own transactions."""

from __future__ import annotations

from datetime import datetime

from cdop.cases.models import Case
from cdop.clocks.models import Clock


def clock_start(
    *, case: Case, kind: str, label: str, started_at: datetime, due_at: datetime, source: str = ""
) -> Clock:
    """Start (or restart with new times) the clock of this kind and source on the case."""
    clock, _ = Clock.objects.update_or_create(
        case=case,
        kind=kind,
        source=source,
        defaults={
            "label": label,
            "started_at": started_at,
            "due_at": due_at,
            "stopped_at": None,
        },
    )
    return clock


def clock_stop(*, case: Case, kind: str, at: datetime, source: str = "") -> Clock | None:
    """Stop the running clock of this kind and source, if there is one."""
    clock = Clock.objects.filter(case=case, kind=kind, source=source, stopped_at=None).first()
    if clock is not None:
        clock.stopped_at = at
        clock.save(update_fields=["stopped_at"])
    return clock
