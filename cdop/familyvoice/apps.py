from __future__ import annotations

from django.apps import AppConfig


class FamilyvoiceConfig(AppConfig):
    name = "cdop.familyvoice"
    label = "familyvoice"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register
        from cdop.familyvoice.chronology import KINDS, family_voice_chronology
        from cdop.familyvoice.models import FamilyVoiceEntry, FamilyVoiceRequest
        from cdop.familyvoice.sections import family_voice_section_context

        for model in (FamilyVoiceRequest, FamilyVoiceEntry):
            if not auditlog.contains(model):
                auditlog.register(model)
        section_register(
            CaseSection(
                key="family-voice",
                title="The family's own words",
                order=32,
                template="familyvoice/_case_section.html",
                context=family_voice_section_context,
            )
        )
        chronology_register(name="familyvoice", kinds=KINDS, provider=family_voice_chronology)
