from __future__ import annotations

from django.apps import AppConfig


class NcmdConfig(AppConfig):
    name = "cdop.ncmd"
    label = "ncmd"
    verbose_name = "NCMD export"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.ncmd.models import NcmdBatch, NcmdExport

        for model in (NcmdBatch, NcmdExport):
            if not auditlog.contains(model):
                auditlog.register(model)
