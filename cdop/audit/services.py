from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from auditlog.context import auditlog_value, set_actor
from auditlog.signals import accessed
from django.db import models

from cdop.core.db import write_turn

if TYPE_CHECKING:
    from cdop.accounts.models import User


def audit_read(*, obj: models.Model) -> None:
    """Record that the signed-in user looked at this record (who, when, from where)."""
    with write_turn():  # on SQLite, readers' audit writes take turns instead of sleeping
        accessed.send(sender=type(obj), instance=obj)


@contextmanager
def audit_actor(user: User) -> Iterator[None]:
    """Attribute audit entries written inside this block to the user.

    Services call this with the person acting, so that entries name them whether the service
    runs in a request, a background task, a command or a test. The client address of a
    request in progress is kept.

    auditlog's contexts do not nest (the inner one leaves its value behind), and its
    middleware never clears its value after a request; so this always opens its own context
    and afterwards puts back exactly what was there before.
    """
    previous = auditlog_value.get(None)
    remote_addr = previous.get("remote_addr") if previous else None
    try:
        with set_actor(user, remote_addr=remote_addr):
            yield
    finally:
        auditlog_value.set(previous or {})
