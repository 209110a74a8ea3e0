from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API hospital and police systems use to notify a death, and its registered clients."""

    name = "cdop.api"
    label = "api"

    def ready(self) -> None:
        # Registers the bearer scheme with drf-spectacular.
        from cdop.api import schema  # noqa: F401
