"""Timeline entries for what the earlier steps record: notifications received, where the
child lived decided by a person, notifications added to the case or taken out of it,
transfers, and every change of status.

Each provider runs a fixed number of queries, whatever the case holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from cdop.cases.models import CaseTransition
from cdop.cases.workflow import Status
from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.transfers.models import CaseAddition, TransferRecord

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

NOTIFICATION_KINDS = [Kind("notification", "Notifications")]
STATUS_KINDS = [Kind("status", "Status changes")]
TRANSFER_KINDS = [Kind("transfer", "Notifications added, taken out and transferred")]


def _name(user: object) -> str:
    return str(user) if user is not None else ""


def notification_entries(user: User, case: Case) -> Iterable[Entry]:
    notifications = compiled_rows(
        "chronology.notifications",
        lambda case_id: (
            Notification.objects.filter(case_id=case_id)
            .select_related("api_client", "residence_area", "residence_overridden_by")
            .order_by("received_at", "pk")
        ),
        case.pk,
    )
    for n in notifications:
        notifier = ", ".join(
            part for part in (n.notifier_name, n.notifier_role, n.notifier_organisation) if part
        )
        # Enough of what the notifier said that the timeline reads without opening it.
        extra: list[tuple[str, str]] = [
            ("From", notifier),
            ("Date of death", f"{n.date_of_death:%-d %B %Y}"),
            ("Place of death", n.get_place_of_death_display()),
            ("Expected or unexpected", n.get_expectedness_display()),
            ("Post-mortem", n.get_post_mortem_display()),
            ("Coroner informed", n.get_coroner_informed_display()),
        ]
        if n.api_client is not None:
            extra.append(("Sent by system", n.api_client.name))
        if n.ncmd_alert:
            extra.append(("Needs NCMD's urgent attention", n.ncmd_alert_reason or "Yes"))
        yield Entry(
            at=n.received_at,
            kind="notification",
            title=f"Notification {n.reference} received",
            detail=n.circumstances,
            by=n.notifier_name,
            url=n.get_absolute_url(),
            extra=tuple(extra),
        )
    overridden = {n.pk: n for n in notifications if n.residence_overridden_by_id is not None}
    if not overridden:
        return
    # The notification keeps only the latest decision; the audit log has each one, and when.
    changes = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Notification),
        object_id__in=list(overridden),
        action=LogEntry.Action.UPDATE,
    ).select_related("actor")
    found = False
    for change in changes:
        fields = change.changes_dict
        if "residence_override_reason" not in fields and "residence_overridden_by" not in fields:
            continue
        found = True
        notification = overridden[int(change.object_id or 0)]
        reason = fields.get("residence_override_reason", [None, None])[1]
        status = fields.get("residence_status", [None, None])[1]
        if status in ResidenceStatus.values:
            status = ResidenceStatus(status).label
        yield Entry(
            at=change.timestamp,
            kind="notification",
            title=f"Where the child lived decided by hand on notification {notification.reference}",
            detail=str(reason or notification.residence_override_reason),
            by=_name(change.actor),
            extra=(("Decision", str(status or notification.get_residence_status_display())),),
        )
    if not found:
        # Recorded before the audit log followed notifications: show the decision undated
        # on the notification's own time rather than lose it.
        for notification in overridden.values():
            yield Entry(
                at=notification.received_at,
                kind="notification",
                title="Where the child lived decided by hand on notification "
                f"{notification.reference}",
                detail=notification.residence_override_reason,
                by=_name(notification.residence_overridden_by),
                extra=(("Decision", notification.get_residence_status_display()),),
            )


def status_entries(user: User, case: Case) -> Iterable[Entry]:
    transitions = compiled_rows(
        "chronology.status",
        lambda case_id: (
            CaseTransition.objects.filter(case_id=case_id).select_related("by").order_by("at", "pk")
        ),
        case.pk,
    )
    for t in transitions:
        to_label = Status(t.to_status).label
        if t.from_status:
            title = f"Status changed: {Status(t.from_status).label} → {to_label}"
        else:
            title = f"Case opened ({to_label.lower()})"
        yield Entry(
            at=t.at,
            kind="status",
            title=title,
            detail=t.reason,
            by=_name(t.by) or "System",
        )


def transfer_entries(user: User, case: Case) -> Iterable[Entry]:
    additions = compiled_rows(
        "chronology.additions",
        lambda case_id: CaseAddition.objects.filter(case_id=case_id).select_related(
            "notification", "by", "undone_by"
        ),
        case.pk,
    )
    for a in additions:
        yield Entry(
            at=a.at,
            kind="transfer",
            title=f"Notification {a.notification.reference} added to this case",
            detail="Another account of the same death.",
            by=_name(a.by),
        )
        if a.undone_at is not None:
            yield Entry(
                at=a.undone_at,
                kind="transfer",
                title=f"Notification {a.notification.reference} taken out of this case",
                detail=a.undo_reason,
                by=_name(a.undone_by),
            )
    transfers = compiled_rows(
        "chronology.transfers",
        lambda case_id: TransferRecord.objects.filter(notification__case_id=case_id).select_related(
            "notification", "by", "to_area", "from_area", "revoked_by"
        ),
        case.pk,
    )
    for r in transfers:
        yield Entry(
            at=r.at,
            kind="transfer",
            title=f"Notification {r.notification.reference} transferred to {r.destination}",
            detail=r.reason,
            by=_name(r.by),
            extra=(("From", r.from_area.name), ("Kind", r.get_kind_display())),
        )
        if r.downloaded_at is not None:
            yield Entry(
                at=r.downloaded_at,
                kind="transfer",
                title=f"Transfer pack for {r.notification.reference} downloaded by {r.panel_name}",
                by=r.panel_name,
            )
        if r.revoked_at is not None:
            yield Entry(
                at=r.revoked_at,
                kind="transfer",
                title=f"Transfer pack link for {r.notification.reference} withdrawn",
                by=_name(r.revoked_by),
            )
