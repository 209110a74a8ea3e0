from __future__ import annotations

from django.apps import AppConfig


class NcmdConfig(AppConfig):
    name = "cdop.ncmd"
    label = "ncmd"
    verbose_name = "NCMD export"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.sections import CaseSection, section_register
        from cdop.ncmd.models import NcmdBatch, NcmdExport
        from cdop.ncmd.sections import ncmd_section_context, ncmd_section_visible

        for model in (NcmdBatch, NcmdExport):
            if not auditlog.contains(model):
                auditlog.register(model)
        section_register(
            CaseSection(
                key="ncmd",
                title="National Child Mortality Database",
                order=85,
                template="ncmd/_case_section.html",
                context=ncmd_section_context,
                visible=ncmd_section_visible,
            )
        )
