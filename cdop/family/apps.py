from __future__ import annotations

from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "cdop.family"
    label = "family"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register
        from cdop.family import models
        from cdop.family.chronology import KINDS, family_chronology
        from cdop.family.sections import family_section_context

        for model in (
            models.KeyWorkerAssignment,
            models.FamilyContact,
            models.FamilyProfile,
            models.FamilyMember,
            models.DateToAvoid,
            models.FamilyQuestion,
            models.LetterTemplate,
            models.Letter,
        ):
            if not auditlog.contains(model):
                auditlog.register(model)
        section_register(
            CaseSection(
                key="family",
                title="Family and key worker",
                order=30,
                template="family/_case_section.html",
                context=family_section_context,
            )
        )
        chronology_register(name="family", kinds=KINDS, provider=family_chronology)
