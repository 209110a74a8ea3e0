from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.notifications.models import Notification


def notification_queue_for_user(*, user: User, status: str = "new") -> QuerySet[Notification]:
    area_ids = permissions.area_ids_with_roles(user, permissions.CASE_READERS)
    notifications = Notification.objects.filter(area_id__in=area_ids).select_related("area", "case")
    if status in Notification.Status.values:
        notifications = notifications.filter(status=status)
    return (
        notifications.order_by("received_at", "pk")
        if status == "new"
        else notifications.order_by("-received_at", "-pk")
    )


def notification_get_for_user(*, user: User, reference: str) -> Notification:
    notification = (
        Notification.objects.select_related("area", "case").filter(reference=reference).first()
    )
    if notification is None or not permissions.can_view_notification(user, notification):
        raise Http404("No such notification")
    return notification
