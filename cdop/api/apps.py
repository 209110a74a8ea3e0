from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API hospital and police systems use to notify a death, and its registered clients;
    the read-only staff API, and the personal access tokens staff read it with."""

    name = "cdop.api"
    label = "api"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Registers the authentication schemes with drf-spectacular.
        from cdop.api import schema  # noqa: F401
        from cdop.api.models import PersonalAccessToken

        # Made and revoked tokens are in the audit log; their hashes and use times are not.
        if not auditlog.contains(PersonalAccessToken):
            auditlog.register(PersonalAccessToken, exclude_fields=["token_hash", "last_used_at"])
