from __future__ import annotations

from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "cdop.surveillance"
    label = "surveillance"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.surveillance.models import SignalAlert

        if not auditlog.contains(SignalAlert):
            auditlog.register(SignalAlert)
