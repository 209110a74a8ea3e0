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
def audit_action(entry: LogEntry) -> str:
    """What happened, in words. A read that was an export or a search says so."""
    extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    if entry.action == LogEntry.Action.ACCESS and extra.get("export"):
        return f"Exported ({str(extra['export']).replace('_', ' ')})"
    if entry.action == LogEntry.Action.ACCESS and "search" in extra:
        return "Searched"
    return ACTION_LABELS.get(entry.action, "Other")
