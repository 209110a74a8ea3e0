"""Everything that moves a notification somewhere other than a case of its own.

Each service checks its guards on locked rows inside one transaction, under the acting
person's name in the audit log, and writes a row saying who moved what, where and why.
A view never sets a notification's status itself.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.accounts.selectors import team_alert_emails
from cdop.areas.models import Area
from cdop.audit.services import audit_actor
from cdop.cases.models import Case, Task
from cdop.cases.services import case_transfer
from cdop.cases.workflow import CLOSED
from cdop.core.errors import DomainError
from cdop.core.kept import kept_forget_area
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.transfers.models import CaseAddition, PackDownload, TransferRecord
from cdop.transfers.pdf import transfer_pack_pdf


def transfer_link_days() -> int:
    """How long a transfer pack link works, in days (setting TRANSFER_LINK_DAYS)."""
    return int(getattr(settings, "TRANSFER_LINK_DAYS", 14))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lock(notification: Notification, by: User) -> Notification:
    """Lock the notification and check the person may triage it (404 if they cannot see it)."""
    locked = Notification.objects.select_for_update().select_related("area").get(pk=notification.pk)
    if not permissions.can_view_notification(by, locked):
        raise Http404
    if not permissions.can_triage_notification(by, locked):
        raise DomainError("Your role does not allow you to deal with notifications.")
    return locked


def _require_new(notification: Notification) -> None:
    if notification.status != Notification.Status.NEW:
        raise DomainError(
            f"Notification {notification.reference} has already been dealt with "
            f"({notification.get_status_display().lower()})."
        )


def _reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(f"Enter {what}.", field="reason")
    return reason


# --- Adding a notification to the case of the same death -------------------------------


def notification_add_to_case(*, notification: Notification, case: Case, by: User) -> CaseAddition:
    """Add a new notification to an existing open case of the same child, as another
    notifier's account. The case's status does not change."""
    with audit_actor(by), transaction.atomic():
        locked = _lock(notification, by)
        _require_new(locked)
        target = Case.objects.select_for_update().get(pk=case.pk)
        if target.area_id != locked.area_id:
            raise DomainError("You can only add a notification to a case in the same area.")
        if target.status in CLOSED:
            raise DomainError(
                f"Case {target.reference} is closed ({target.get_status_display().lower()}), "
                "so this notification cannot be added to it. Open a case, or add it to the "
                "case whose review is going on."
            )
        now = timezone.now()
        locked.status = Notification.Status.ADDED_TO_CASE
        locked.case = target
        locked.dealt_with_at = now
        locked.dealt_with_by = by
        locked.save(update_fields=["status", "case", "dealt_with_at", "dealt_with_by"])
        # Work already started on the notification (the JAR tasks) carries on under the case.
        for task in Task.objects.filter(notification=locked, case__isnull=True):
            task.case = target
            task.save(update_fields=["case"])
        return CaseAddition.objects.create(notification=locked, case=target, by=by, at=now)


def can_undo_case_addition(user: User, notification: Notification) -> bool:
    """Only an administrator of the notification's area may undo an addition."""
    return bool(
        permissions.roles_in_area(user, notification.area_id) & permissions.AREA_ADMINISTRATORS
    )


def notification_undo_add_to_case(
    *, notification: Notification, by: User, reason: str
) -> Notification:
    """Take a notification back out of the case it was added to, making it new again."""
    with audit_actor(by), transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if not permissions.can_view_notification(by, locked):
            raise Http404
        if not can_undo_case_addition(by, locked):
            raise DomainError(
                "Only an administrator can take a notification out of a case. "
                "Ask your area's administrator."
            )
        if locked.status != Notification.Status.ADDED_TO_CASE or locked.case_id is None:
            raise DomainError(
                f"Notification {locked.reference} is not added to a case "
                f"({locked.get_status_display().lower()}), so there is nothing to undo."
            )
        reason = _reason(reason, "why the notification is being taken out of the case")
        now = timezone.now()
        case_id = locked.case_id
        addition = (
            CaseAddition.objects.select_for_update()
            .filter(notification=locked, case_id=case_id, undone_at__isnull=True)
            .last()
        )
        if addition is not None:
            addition.undone_at = now
            addition.undone_by = by
            addition.undo_reason = reason
            addition.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        for task in Task.objects.filter(notification=locked, case_id=case_id):
            task.case = None
            task.save(update_fields=["case"])
        locked.status = Notification.Status.NEW
        locked.case = None
        locked.dealt_with_at = None
        locked.dealt_with_by = None
        locked.save(update_fields=["status", "case", "dealt_with_at", "dealt_with_by"])
        return locked


# --- Transfer to another area of this installation --------------------------------------


def transfer_areas_for(*, notification: Notification) -> list[Area]:
    """The areas of this installation a notification can be transferred to: the area the
    child lived in first, then the others."""
    areas = list(Area.objects.filter(is_active=True).exclude(pk=notification.area_id))
    areas.sort(key=lambda a: (a.pk != notification.residence_area_id, a.name))
    return areas


def notification_transfer_inside(
    *, notification: Notification, to_area: Area, by: User, reason: str
) -> TransferRecord:
    """Move a new notification to the queue of another area of this installation.

    It stays new; the sending area's staff no longer see it (access follows the area) and
    the receiving area's managers are emailed a link with no personal details.
    """
    with audit_actor(by), transaction.atomic():
        locked = _lock(notification, by)
        _require_new(locked)
        if to_area.pk == locked.area_id or not to_area.is_active:
            raise DomainError("Choose another area of this service.", field="to_area")
        reason = _reason(reason, "why the notification belongs to that area")
        now = timezone.now()
        from_area = locked.area
        record = TransferRecord.objects.create(
            notification=locked,
            kind=TransferRecord.Kind.INSIDE,
            from_area=from_area,
            to_area=to_area,
            by=by,
            at=now,
            reason=reason,
        )
        locked.area = to_area
        locked.dealt_with_at = now
        locked.dealt_with_by = by
        fields = ["area", "dealt_with_at", "dealt_with_by"]
        # Residence is relative to the notification's area: "another area" is now this one.
        if locked.residence_area_id == to_area.pk:
            locked.residence_status = ResidenceStatus.THIS_AREA
            fields.append("residence_status")
        locked.save(update_fields=fields)
        for task in Task.objects.filter(notification=locked, case__isnull=True):
            task.area = to_area
            task.save(update_fields=["area"])
        # The writes' signals name the area they moved to: the one they left forgets too.
        kept_forget_area(from_area.pk)
    _email_receiving_area(notification=locked, from_area=from_area)
    return record


def _email_receiving_area(*, notification: Notification, from_area: Area) -> int:
    recipients = team_alert_emails(area=notification.area)
    if not recipients:
        return 0
    link = settings.SITE_URL.rstrip("/") + notification.get_absolute_url()
    send_mail(
        subject=f"Child death notification {notification.reference} transferred to you",
        message=(
            f"{from_area.name} has transferred a notification of a child's death to "
            f"{notification.area.name}.\n\n"
            f"Reference: {notification.reference}\n\n"
            f"Sign in to read it: {link}\n\n"
            "This email contains no personal details on purpose. Do not forward case "
            "details by email."
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


# --- Transfer to a panel outside this installation ---------------------------------------


@dataclass(frozen=True)
class OutsideTransfer:
    record: TransferRecord
    emailed: bool


def notification_transfer_outside(
    *, notification: Notification, panel_name: str, panel_email: str, by: User, reason: str
) -> OutsideTransfer:
    """Send a notification to a panel outside this installation as a transfer pack.

    The panel's contact is emailed a single-use link that expires. The notification becomes
    transferred; a case opened for it is closed as transferred, naming the panel.
    """
    panel_name = panel_name.strip()
    panel_email = panel_email.strip()
    if not panel_name:
        raise DomainError(
            "Enter the name of the panel you are transferring to.", field="panel_name"
        )
    if not panel_email:
        raise DomainError(
            "Enter the email address of the person at that panel who will receive it.",
            field="panel_email",
        )
    with audit_actor(by), transaction.atomic():
        locked = _lock(notification, by)
        if locked.status not in (Notification.Status.NEW, Notification.Status.CASE_OPENED):
            raise DomainError(
                f"Notification {locked.reference} cannot be transferred now "
                f"({locked.get_status_display().lower()})."
                + (
                    " It is part of a case with other notifications: transfer the case instead."
                    if locked.status == Notification.Status.ADDED_TO_CASE
                    else ""
                )
            )
        reason = _reason(reason, "why the notification belongs to that panel")
        now = timezone.now()
        record = TransferRecord.objects.create(
            notification=locked,
            kind=TransferRecord.Kind.OUTSIDE,
            from_area=locked.area,
            panel_name=panel_name,
            panel_email=panel_email,
            by=by,
            at=now,
            reason=reason,
        )
        case = locked.case if locked.status == Notification.Status.CASE_OPENED else None
        if case is not None and case.status not in CLOSED:
            case_transfer(
                case=case,
                by=by,
                reason=(
                    f"Transferred to {panel_name} ({panel_email}) on "
                    f"{timezone.localdate(now):%-d %B %Y} by {by}. {reason}"
                ),
            )
        locked.status = Notification.Status.TRANSFERRED
        locked.dealt_with_at = now
        locked.dealt_with_by = by
        locked.save(update_fields=["status", "dealt_with_at", "dealt_with_by"])
        token = _new_link(record)
    emailed = _email_pack_link(record=record, token=token)
    return OutsideTransfer(record=record, emailed=emailed)


def _new_link(record: TransferRecord) -> str:
    """Give the record a fresh token; returns the token, which is never stored."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    record.token_hash = token_hash(token)
    record.link_sent_at = now
    record.expires_at = now + datetime.timedelta(days=transfer_link_days())
    record.revoked_at = None
    record.revoked_by = None
    record.save(
        update_fields=["token_hash", "link_sent_at", "expires_at", "revoked_at", "revoked_by"]
    )
    return token


def _email_pack_link(*, record: TransferRecord, token: str) -> bool:
    area = record.from_area
    link = settings.SITE_URL.rstrip("/") + reverse("transfer_pack:download", args=[token])
    contact = " or ".join(x for x in (area.contact_email, area.contact_phone) if x)
    expires = timezone.localtime(record.expires_at) if record.expires_at else None
    try:
        send_mail(
            subject=f"Child death notification {record.notification.reference}: transfer pack",
            message=(
                f"{area.name} child death review team has transferred a notification of a "
                f"child's death to {record.panel_name}.\n\n"
                f"Reference: {record.notification.reference}\n\n"
                "Download the transfer pack (OFFICIAL-SENSITIVE) from this link. It works "
                f"once, until {expires:%-d %B %Y, %H:%M}:\n"
                f"{link}\n\n"
                "If the link has expired or does not work, contact the team"
                + (f" at {contact}" if contact else "")
                + " and ask for a new one.\n\n"
                "This email contains no personal details on purpose."
            ),
            from_email=None,
            recipient_list=[record.panel_email],
        )
    except (smtplib.SMTPException, OSError):
        return False
    return True


def _lock_outside(record: TransferRecord, by: User) -> TransferRecord:
    locked = (
        TransferRecord.objects.select_for_update()
        .select_related("notification", "from_area")
        .get(pk=record.pk)
    )
    if locked.kind != TransferRecord.Kind.OUTSIDE:
        raise Http404
    _lock(locked.notification, by)
    if locked.downloaded_at is not None:
        raise DomainError("The transfer pack has already been downloaded.")
    return locked


def transfer_link_renew(*, record: TransferRecord, by: User) -> OutsideTransfer:
    """Send the panel a new link; the previous one stops working."""
    with audit_actor(by), transaction.atomic():
        locked = _lock_outside(record, by)
        token = _new_link(locked)
    return OutsideTransfer(record=locked, emailed=_email_pack_link(record=locked, token=token))


def transfer_link_revoke(*, record: TransferRecord, by: User) -> TransferRecord:
    """Withdraw the link to a transfer pack that has not been downloaded."""
    with audit_actor(by), transaction.atomic():
        locked = _lock_outside(record, by)
        if locked.revoked_at is not None:
            raise DomainError("The link has already been withdrawn.")
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


# --- Downloading the pack (the receiving panel, no account) ------------------------------


def _outcome(record: TransferRecord | None, now: datetime.datetime) -> PackDownload.Outcome:
    if record is None or record.token_hash is None:
        return PackDownload.Outcome.UNKNOWN
    if record.downloaded_at is not None:
        return PackDownload.Outcome.USED
    if record.revoked_at is not None:
        return PackDownload.Outcome.REVOKED
    if record.expires_at is None or record.expires_at <= now:
        return PackDownload.Outcome.EXPIRED
    return PackDownload.Outcome.DOWNLOADED


def transfer_pack_check(*, token: str, ip_address: str | None, user_agent: str = "") -> bool:
    """Whether a link can still be used, without using it. A failed check is recorded."""
    record = TransferRecord.objects.filter(token_hash=token_hash(token)).first()
    outcome = _outcome(record, timezone.now())
    if outcome != PackDownload.Outcome.DOWNLOADED:
        PackDownload.objects.create(
            transfer=record,
            outcome=outcome,
            at=timezone.now(),
            ip_address=ip_address,
            user_agent=user_agent[:300],
        )
        return False
    return True


@dataclass(frozen=True)
class Pack:
    filename: str
    content: bytes


def transfer_pack_download(
    *, token: str, ip_address: str | None, user_agent: str = ""
) -> Pack | None:
    """Use a link: the pack if the link is good (it then never works again), else None.

    Every attempt is recorded, good or bad. The answer never says whether a bad token ever
    existed.
    """
    now = timezone.now()
    with transaction.atomic():
        record = (
            TransferRecord.objects.select_for_update()
            .select_related("notification__area")
            .filter(token_hash=token_hash(token))
            .first()
        )
        outcome = _outcome(record, now)
        PackDownload.objects.create(
            transfer=record,
            outcome=outcome,
            at=now,
            ip_address=ip_address,
            user_agent=user_agent[:300],
        )
        if record is None or outcome != PackDownload.Outcome.DOWNLOADED:
            return None
        # Drawn before the link is marked used, so a failure leaves the link working.
        content = transfer_pack_pdf(notification=record.notification, panel_name=record.panel_name)
        record.downloaded_at = now
        record.save(update_fields=["downloaded_at"])
    return Pack(filename=f"transfer-pack-{record.notification.reference}.pdf", content=content)
