from __future__ import annotations

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "cdop.learning"
    label = "learning"
    verbose_name = "Learning themes"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.sections import CaseSection, section_register
        from cdop.learning.models import CaseTheme, PublicLearning, PublicLearningSetting, Theme
        from cdop.learning.sections import learning_section_context, learning_section_visible

        for model in (Theme, CaseTheme, PublicLearning, PublicLearningSetting):
            if not auditlog.contains(model):
                auditlog.register(model)
        section_register(
            CaseSection(
                key="learning",
                title="Learning themes",
                order=82,
                template="learning/_case_section.html",
                context=learning_section_context,
                visible=learning_section_visible,
            )
        )
