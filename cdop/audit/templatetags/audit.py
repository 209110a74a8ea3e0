from __future__ import annotations

from auditlog.models import LogEntry
from django import template

register = template.Library()

# The same words as the search form's "What" choices.
ACTION_LABELS = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Viewed",
}


@register.filter
def audit_action(action: int) -> str:
    return ACTION_LABELS.get(action, "Other")
