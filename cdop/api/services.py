"""Registering the systems allowed to use the API, and receiving their notifications."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from auditlog.context import auditlog_value, set_extra_data
from django.db import transaction
from django.utils import timezone

from cdop.audit.services import audit_actor
from cdop.notifications.models import ApiClient, Notification
from cdop.notifications.services import NotificationDetails, notification_submit

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.areas.models import Area

# Every token starts with this, so that one found in a log or a repository is recognisable.
TOKEN_PREFIX = "cdop_"  # noqa: S105 - not a secret
TOKEN_PREFIX_LENGTH = 8
# last_used_at is written at most this often, so that each request does not write the row.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class SubmissionTokenReusedError(Exception):
    """The submission token belongs to a notification another system (or the web form) sent."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_register(*, area: Area, name: str, by: User) -> tuple[ApiClient, str]:
    """Register a system and return it with its token. The token is not stored (only its
    SHA-256 hash and first characters), so this is the one time anyone can see it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with audit_actor(by), transaction.atomic():
        client = ApiClient.objects.create(
            area=area,
            name=name,
            token_hash=token_hash(token),
            token_prefix=token[:TOKEN_PREFIX_LENGTH],
            created_by=by,
        )
    return client, token


def api_client_revoke(*, client: ApiClient, by: User) -> ApiClient:
    """Stop the system's token working, at once and for good. Revoking twice changes nothing."""
    with audit_actor(by), transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
    return locked


def api_client_touch(*, client: ApiClient) -> None:
    """Note that the client has just used its token, at most once a minute.

    A queryset update, so that routine use leaves no entry in the audit log."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


@contextmanager
def audit_api_client(client: ApiClient) -> Iterator[None]:
    """Attribute audit entries written inside this block to an API client.

    Entries have no actor (no person acted); actor_email names the client, so an entry says
    "API client 3: Royal Infirmary EPR" and can be found by that. The request's address is
    kept. Like audit_actor, it puts back exactly the context that was there before.
    """
    previous = auditlog_value.get(None)
    context: dict[str, Any] = {
        "actor": None,
        "remote_addr": previous.get("remote_addr") if previous else None,
        "remote_port": previous.get("remote_port") if previous else None,
        "actor_email": api_client_label(client),
    }
    try:
        with set_extra_data(context_data=context):
            yield
    finally:
        auditlog_value.set(previous or {})


def api_client_label(client: ApiClient) -> str:
    return f"API client {client.pk}: {client.name}"[:254]


def notification_receive(
    *, client: ApiClient, submission_token: uuid.UUID, data: dict[str, Any]
) -> tuple[Notification, bool]:
    """Store a notification an API client sent, in the client's area; (notification, created).

    The same submission token again returns the notification already stored, so a system may
    retry safely. A token already used by someone else is refused.
    """
    with audit_api_client(client):
        notification, created = notification_submit(
            area=client.area,
            submission_token=submission_token,
            details=NotificationDetails(**data),
            api_client=client,
        )
    if not created and notification.api_client_id != client.pk:
        raise SubmissionTokenReusedError
    return notification, created
