from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cdop.audit"
    label = "audit"

    def ready(self) -> None:
        from cdop.audit import registry

        registry.register_models()
