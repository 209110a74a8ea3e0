"""Figures computed from an area's records, kept a short while in the shared cache.

Pages that count an area's records (Team work's totals, the surveillance dashboard's tally)
keep what they counted under a cache key of the area's, shared by every process, for a
short time; a save or delete of a record they count forgets the key (each app connects the
signals of the models its figures read). A key is forgotten at once, so that the writer's own
transaction reads the change, and again when the transaction commits, so that another
process that counted before the commit does not keep its figures (decisions 70 and 79).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

_pending = threading.local()


def kept_forget(key: str) -> None:
    """Forget a kept figure: at once and when the transaction commits. One delete per key
    per transaction, however many rows are written, unless it was kept again in between."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        cache.delete(key)
        return
    # No flush waiting: the transaction that registered it has committed or rolled back.
    if not any(func is _kept_flush for _sids, func, _robust in conn.run_on_commit):
        _pending.keys = set()
        _pending.gone = set()
        transaction.on_commit(_kept_flush)
    _pending.keys.add(key)
    if key not in _pending.gone:
        _pending.gone.add(key)
        cache.delete(key)


def kept_again(keys: Iterable[str]) -> None:
    """Say that these keys were just stored again: the next write in this transaction must
    forget them again."""
    getattr(_pending, "gone", set()).difference_update(keys)


def _kept_flush() -> None:
    keys: set[str] = getattr(_pending, "keys", set())
    _pending.keys = set()
    _pending.gone = set()
    cache.delete_many(sorted(keys))


def kept_part(
    key: str, part: tuple[object, ...], count: Callable[[], Any], *, seconds: int, parts: int = 8
) -> Any:
    """One figure among those kept under a key (a dashboard's figures for a day, a window):
    from the cache, or counted and kept beside the others, the oldest let go beyond `parts`."""
    kept: dict[tuple[object, ...], Any] = cache.get(key) or {}
    if part in kept:
        return kept[part]
    value = count()
    others = dict(list(kept.items())[-(parts - 1) :])
    cache.set(key, others | {part: value}, seconds)
    kept_again([key])
    return value


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
