from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cdop.meetings"
    label = "meetings"

    def ready(self) -> None:
        pass
