from __future__ import annotations

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "cdop.agencies"
    label = "agencies"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.agencies.models import AgencyContact, Organisation

        for model in (Organisation, AgencyContact):
            if not auditlog.contains(model):
                auditlog.register(model)
