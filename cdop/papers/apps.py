from __future__ import annotations

from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "cdop.papers"
    label = "papers"

    def ready(self) -> None:
        pass
