from __future__ import annotations

from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "cdop.safeguarding"
    label = "safeguarding"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.accounts.permissions import can_view_safeguarding
        from cdop.cases.blockers import blocker_provider_register
        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register
        from cdop.safeguarding import integration, selectors
        from cdop.safeguarding.models import (
            SafeguardingConcern,
            SafeguardingProfile,
            SafeguardingReferral,
        )

        for model in (SafeguardingProfile, SafeguardingConcern, SafeguardingReferral):
            if not auditlog.contains(model):
                auditlog.register(model)
        blocker_provider_register("safeguarding", selectors.BLOCKERS)
        section_register(
            CaseSection(
                key="safeguarding",
                title="Safeguarding",
                order=60,
                template="safeguarding/section.html",
                context=integration.section_context,
                visible=can_view_safeguarding,
            )
        )
        chronology_register(
            name="safeguarding",
            kinds=integration.CHRONOLOGY_KINDS,
            provider=integration.chronology_entries,
        )
