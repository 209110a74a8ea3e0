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
        # The themes' counts are kept (selectors.theme_counts): a write to a tag or a case
        # (its stage says whether it was reviewed) forgets them.
        from cdop.cases.models import Case
        from cdop.core.kept import kept_area_forgetter, kept_forget_on_writes
        from cdop.learning.selectors import theme_counts_forget

        kept_area_forgetter(theme_counts_forget)
        kept_forget_on_writes(
            "learning", (Case, CaseTheme), lambda row: theme_counts_forget(row.area_id)
        )
