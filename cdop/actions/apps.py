from __future__ import annotations

from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "cdop.actions"
    label = "actions"

    def ready(self) -> None:
        pass
