from __future__ import annotations

from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "cdop.transfers"
    label = "transfers"
    verbose_name = "Where notifications go: added to a case or transferred"

    def ready(self) -> None:
        # The audit log follows these too (cdop.audit.registry lists the other apps' models).
        from auditlog.registry import auditlog

        from cdop.transfers.models import CaseAddition, PackDownload, TransferRecord

        for model, exclude in (
            (CaseAddition, []),
            (TransferRecord, ["token_hash"]),
            (PackDownload, []),
        ):
            if not auditlog.contains(model):
                auditlog.register(model, exclude_fields=exclude)
