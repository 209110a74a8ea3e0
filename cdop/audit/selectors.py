from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User

ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
    "access": LogEntry.Action.ACCESS,
}


@dataclass(frozen=True, kw_only=True)
class AuditFilter:
    actor_email: str = ""
    record: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_entries_for_user(*, user: User, filters: AuditFilter) -> QuerySet[LogEntry]:
    """Audit entries an administrator may read: their areas' records, and entries that belong
    to no area (accounts and settings)."""
    area_ids = permissions.area_ids_with_roles(user, permissions.AREA_ADMINISTRATORS)
    entries = LogEntry.objects.select_related("actor", "content_type").filter(
        Q(additional_data__area_id__in=area_ids)
        | Q(additional_data__isnull=True)
        | Q(additional_data__area_id__isnull=True)
    )
    if not area_ids:
        return entries.none()
    if filters.actor_email:
        entries = entries.filter(actor__email__iexact=filters.actor_email.strip())
    if filters.record:
        term = filters.record.strip()
        entries = entries.filter(Q(object_repr__iexact=term) | Q(object_pk=term))
    if filters.action in ACTIONS:
        entries = entries.filter(action=ACTIONS[filters.action])
    tz = timezone.get_current_timezone()
    if filters.date_from:
        entries = entries.filter(timestamp__gte=datetime.combine(filters.date_from, time(), tz))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), tz)
        entries = entries.filter(timestamp__lt=end)
    return entries.order_by("-timestamp", "-pk")


def audit_entry_get_for_user(*, user: User, pk: int) -> LogEntry:
    from django.http import Http404

    entry = audit_entries_for_user(user=user, filters=AuditFilter()).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such audit entry")
    return entry
