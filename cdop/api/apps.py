from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API hospital and police systems use to notify a death, and its registered clients;
    the read-only staff API, and the personal access tokens staff read it with."""

    name = "cdop.api"
    label = "api"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.actions.models import Action

        # Registers the authentication schemes with drf-spectacular.
        from cdop.api import schema  # noqa: F401
        from cdop.api.models import PersonalAccessToken
        from cdop.api.selectors import list_counts_forget
        from cdop.core.kept import kept_area_forgetter, kept_forget_on_writes
        from cdop.notifications.models import Notification

        # Made and revoked tokens are in the audit log; their hashes and use times are not.
        if not auditlog.contains(PersonalAccessToken):
            auditlog.register(PersonalAccessToken, exclude_fields=["token_hash", "last_used_at"])

        # The staff API's lists keep each area's count of notifications and of actions
        # (selectors.staff_notification_total): a write to either forgets its area's.
        kept_area_forgetter(list_counts_forget)

        def forgetter(kind: str) -> Callable[[Any], None]:
            return lambda row: list_counts_forget(row.area_id, kinds=(kind,))

        kept_forget_on_writes(
            "api_notifications_count", (Notification,), forgetter("notifications")
        )
        kept_forget_on_writes("api_actions_count", (Action,), forgetter("actions"))
