from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from auditlog.context import auditlog_value, set_actor
from auditlog.signals import accessed
from django.db import models

if TYPE_CHECKING:
    from cdop.accounts.models import User


def audit_read(*, obj: models.Model) -> None:
    """Record that the signed-in user looked at this record (who, when, from where)."""
    accessed.send(sender=type(obj), instance=obj)


@contextmanager
def audit_actor(user: User) -> Iterator[None]:
    """Attribute audit entries written inside this block to the user.

    In a web request auditlog's middleware already knows the user and the address; this
    covers services called from background tasks, commands and tests, where nobody else does.
    """
    current = auditlog_value.get(None)
    if current and current.get("actor") is not None:
        yield  # a live request context already names the user
        return
    remote_addr = current.get("remote_addr") if current else None
    try:
        with set_actor(user, remote_addr=remote_addr):
            yield
    finally:
        # auditlog's contexts do not nest: put back what was there, or an empty marker.
        auditlog_value.set(current or {})
