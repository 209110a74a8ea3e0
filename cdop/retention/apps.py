from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "cdop.retention"
    label = "retention"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.retention.models import AnonymisedCase, RetentionPolicy, SubjectAccessExport

        for model in (RetentionPolicy, AnonymisedCase, SubjectAccessExport):
            if not auditlog.contains(model):
                auditlog.register(model)
