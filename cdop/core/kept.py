"""Figures computed from an area's records, kept a short while in the shared cache.

Pages that count an area's records (Team work's totals, the surveillance dashboard's tally,
the statistics, the learning themes' counts, the data-quality page's order) keep what they
counted under a cache key of the area's, shared by every process, for a short time; a save
or delete of a record they count forgets the key (each app connects the signals of the
models its figures read: kept_forget_on_writes). Outside a transaction the key is forgotten
at once; inside one, when it commits, and the transaction's own reads count afresh until
then without keeping what they counted (decisions 70 and 79).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save


class _Flush:
    """The keys one transaction forgot, deleted from the cache when it commits (an on-commit
    callback; Django drops it with a rolled-back transaction or savepoint)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        cache.delete_many(sorted(self.keys))


def kept_flushes_waiting(conn: Any) -> list[_Flush]:
    return [
        func
        for _sids, func, _robust in conn.run_on_commit
        if isinstance(func, _Flush) and not func.done
    ]


def kept_forget(key: str) -> None:
    """Forget a kept figure. Outside a transaction, at once. Inside one, when it commits
    (one delete for every key the transaction forgot, however many rows it wrote); until
    then this transaction's own reads of the key count afresh and keep nothing (kept_pending),
    so that figures it has not committed never reach another process, nor outlive a
    rollback."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        cache.delete(key)
        return
    waiting = kept_flushes_waiting(conn)
    if waiting:
        waiting[-1].keys.add(key)
        return
    flush = _Flush()
    flush.keys.add(key)
    transaction.on_commit(flush)


def kept_pending(keys: Iterable[str]) -> set[str]:
    """Which of these keys this transaction has forgotten and not yet committed."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return set()
    forgotten: set[str] = set().union(*(flush.keys for flush in kept_flushes_waiting(conn)))
    return set(keys) & forgotten


def kept_part(
    key: str, part: tuple[object, ...], count: Callable[[], Any], *, seconds: int, parts: int = 8
) -> Any:
    """One figure among those kept under a key (a dashboard's figures for a day, a window):
    from the cache while it is younger than `seconds`, or counted and kept beside the others,
    the oldest let go beyond `parts` (each part keeps its own age: storing a new one does not
    make the others younger)."""
    if kept_pending([key]):
        return count()
    now = time.time()
    kept: dict[tuple[object, ...], tuple[float, Any]] = {
        each: (at, value)
        for each, (at, value) in (cache.get(key) or {}).items()
        if now - at < seconds
    }
    if part in kept:
        return kept[part][1]
    value = count()
    others = dict(list(kept.items())[-(parts - 1) :])
    cache.set(key, others | {part: (now, value)}, seconds)
    return value


_area_forgetters: list[Callable[[int], None]] = []


def kept_area_forgetter(forget: Callable[[int], None]) -> None:
    """Register what forgets an app's kept figures of an area (its ready())."""
    if forget not in _area_forgetters:
        _area_forgetters.append(forget)


def kept_forget_area(area_id: int | None) -> None:
    """Forget every kept figure of the area: for services that write what figures count
    without sending signals (bulk_create, update()), or move a record out of the area (the
    signals name only the area it moved to)."""
    if area_id is None:
        return
    for forget in _area_forgetters:
        forget(area_id)


def kept_forget_on_writes(
    name: str, senders: Iterable[type[models.Model]], forget: Callable[[Any], None]
) -> None:
    """Connect a save or delete of any of these models to `forget(instance)` (an app's
    ready(): its kept figures read these models)."""

    def receiver(sender: Any, *, instance: Any, **kwargs: Any) -> None:
        forget(instance)

    for model in senders:
        for signal, when in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                receiver,
                sender=model,
                weak=False,
                dispatch_uid=f"kept_{name}_{when}_{model._meta.label_lower}",
            )
