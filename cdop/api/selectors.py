from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.notifications.models import ApiClient, Notification


def api_client_list_for_user(*, user: User) -> QuerySet[ApiClient]:
    """The systems registered in the areas the user administers."""
    area_ids = permissions.area_ids_with_roles(user, permissions.AREA_ADMINISTRATORS)
    return (
        ApiClient.objects.filter(area_id__in=area_ids)
        .select_related("area", "created_by")
        .order_by("area__name", "-is_active", "name", "pk")
    )


def api_client_get_for_user(*, user: User, pk: int) -> ApiClient:
    """One registered system, for an administrator of its area; 404 for anyone else."""
    client = api_client_list_for_user(user=user).filter(pk=pk).first()
    if client is None:
        raise Http404("No such API client")
    return client


def notification_get_for_client(*, client: ApiClient, reference: str) -> Notification:
    """A notification this client sent; 404 for any other, so references leak nothing."""
    notification = (
        Notification.objects.filter(reference=reference, api_client=client)
        .only("reference", "received_at", "status", "api_client_id")
        .first()
    )
    if notification is None:
        raise Http404("No such notification")
    return notification
