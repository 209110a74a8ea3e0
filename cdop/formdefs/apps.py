from __future__ import annotations

from django.apps import AppConfig


class FormdefsConfig(AppConfig):
    name = "cdop.formdefs"
    label = "formdefs"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.formdefs.models import FormDefinition

        if not auditlog.contains(FormDefinition):
            auditlog.register(FormDefinition)
