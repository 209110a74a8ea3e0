from __future__ import annotations

from django.apps import AppConfig


class InvestigationsConfig(AppConfig):
    name = "cdop.investigations"
    label = "investigations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.blockers import blocker_provider_register
        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register
        from cdop.investigations import integration, selectors
        from cdop.investigations.kinds import KINDS

        for kind in KINDS.values():
            if not auditlog.contains(kind.model):
                auditlog.register(kind.model)
        blocker_provider_register("investigations", selectors.BLOCKERS)
        section_register(
            CaseSection(
                key="events",
                title="Coroner, post-mortem, inquest and Medical Examiner",
                order=50,
                template="investigations/section.html",
                context=integration.section_context,
            )
        )
        chronology_register(
            name="investigations",
            kinds=integration.CHRONOLOGY_KINDS,
            provider=integration.chronology_entries,
        )
