from __future__ import annotations

from auditlog.signals import accessed
from django.db import models


def audit_read(*, obj: models.Model) -> None:
    """Record that the signed-in user looked at this record (who, when, from where)."""
    accessed.send(sender=type(obj), instance=obj)
