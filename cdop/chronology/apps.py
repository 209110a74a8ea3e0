from __future__ import annotations

from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "cdop.chronology"
    label = "chronology"

    def ready(self) -> None:
        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology import providers
        from cdop.chronology.registry import chronology_register
        from cdop.chronology.views import chronology_section

        chronology_register(
            name="notifications",
            kinds=providers.NOTIFICATION_KINDS,
            provider=providers.notification_entries,
        )
        chronology_register(
            name="status", kinds=providers.STATUS_KINDS, provider=providers.status_entries
        )
        chronology_register(
            name="transfers", kinds=providers.TRANSFER_KINDS, provider=providers.transfer_entries
        )
        section_register(
            CaseSection(
                key="chronology",
                title="Chronology",
                order=90,
                template="chronology/_section.html",
                context=chronology_section,
            )
        )
