"""Registering the systems allowed to use the API, and receiving their notifications."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from auditlog.context import auditlog_value, set_extra_data
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from cdop.accounts import permissions
from cdop.api.models import PersonalAccessToken
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


# --- Personal access tokens (the staff API) ---------------------------------------------------

# A personal token says what it is, so that one found in a log is told apart from a system's.
PERSONAL_TOKEN_PREFIX = "cdop_pat_"  # noqa: S105 - not a secret
PERSONAL_TOKEN_SHOWN_CHARACTERS = 13
PERSONAL_TOKEN_DEFAULT_DAYS = 90
PERSONAL_TOKEN_MAX_DAYS = 365


def personal_token_create(*, user: User, name: str, days: int) -> tuple[PersonalAccessToken, str]:
    """Make a personal access token for the user, valid for `days` (1 to 365), and return it
    with its secret. Only the secret's SHA-256 hash is kept: this is the one time it is seen."""
    if not 1 <= days <= PERSONAL_TOKEN_MAX_DAYS:
        raise ValueError(f"A token lasts 1 to {PERSONAL_TOKEN_MAX_DAYS} days, not {days}")
    token = PERSONAL_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with audit_actor(user), transaction.atomic():
        personal = PersonalAccessToken.objects.create(
            user=user,
            name=name,
            token_hash=token_hash(token),
            token_prefix=token[:PERSONAL_TOKEN_SHOWN_CHARACTERS],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    return personal, token


def personal_token_revoke(*, token: PersonalAccessToken, by: User) -> PersonalAccessToken:
    """Stop the token working, at once and for good. Revoking twice changes nothing."""
    with audit_actor(by), transaction.atomic():
        locked = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def personal_token_touch(*, token: PersonalAccessToken) -> None:
    """Note that the token has just been used, at most once a minute (a queryset update, so
    routine use leaves no entry in the audit log)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def staff_api_list_audit(
    *,
    user: User,
    model: type[models.Model],
    listing: str,
    terms: dict[str, object],
    references: dict[int, list[str]],
) -> None:
    """Record that the user read a page of a list through the staff API.

    Like an export of the case list or the action tracker (the pages' own audit of a list that
    leaves the service): one "viewed" entry per area the user reads, so each area's
    administrators see it, with the filters and the references of that area's rows on the
    page, so that "who read case X through the API" can be answered."""
    content_type = ContentType.objects.get_for_model(model)
    areas = set(permissions.area_ids_with_roles(user, permissions.CASE_READERS)) | set(references)
    # One entry is one INSERT, atomic by itself: only several need a transaction around them
    # (which would cost two statements more on every page of a person with one area).
    together = transaction.atomic() if len(areas) > 1 else nullcontext()
    with audit_actor(user), together:
        for area_id in sorted(areas):
            LogEntry.objects.create(
                content_type=content_type,
                object_pk="",
                object_repr=f"staff API {listing.replace('_', ' ')}",
                action=LogEntry.Action.ACCESS,
                actor=user,
                additional_data={
                    "export": f"api_{listing}",
                    "filters": terms,
                    "results": len(references.get(area_id, [])),
                    "references": references.get(area_id, []),
                    "area_id": area_id,
                },
            )
