from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry

from cdop.audit.services import audit_actor

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case


def chronology_export_record(*, case: Case, by: User, filters: dict[str, Any]) -> LogEntry:
    """Record that the case's chronology left the service as a PDF, and with which filters.

    A read of the case (ACCESS) marked as an export, so the audit search finds it with the
    case's other reads and the export can still be told apart."""
    with audit_actor(by):
        entry: LogEntry = LogEntry.objects.log_create(
            case,
            action=LogEntry.Action.ACCESS,
            changes=None,
            force_log=True,
            additional_data={
                **case.get_additional_data(),
                "case": case.reference,
                "export": "chronology_pdf",
                "filters": {
                    "kinds": list(filters.get("kinds") or []),
                    "date_from": str(filters.get("date_from") or ""),
                    "date_to": str(filters.get("date_to") or ""),
                    "order": filters.get("order") or "",
                },
            },
        )
    return entry
