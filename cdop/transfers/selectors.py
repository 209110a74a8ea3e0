from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.notifications.models import Notification
from cdop.transfers.models import CaseAddition, PackDownload, TransferRecord


def transfers_of(*, notification: Notification) -> QuerySet[TransferRecord]:
    """Where the notification was sent, oldest first, with every attempt on its link."""
    return (
        TransferRecord.objects.filter(notification=notification)
        .select_related("from_area", "to_area", "by", "revoked_by")
        .prefetch_related(Prefetch("downloads", queryset=PackDownload.objects.order_by("at", "pk")))
    )


def case_additions_of(*, notification: Notification) -> QuerySet[CaseAddition]:
    return CaseAddition.objects.filter(notification=notification).select_related(
        "case", "by", "undone_by"
    )


def transfer_get_for_user(*, user: User, pk: int) -> TransferRecord:
    """A transfer of a notification the user can see now (404 otherwise)."""
    record = (
        TransferRecord.objects.select_related("notification", "from_area").filter(pk=pk).first()
    )
    if record is None or not permissions.can_view_notification(user, record.notification):
        raise Http404("No such transfer")
    return record
