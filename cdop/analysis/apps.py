from __future__ import annotations

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "cdop.analysis"
    label = "analysis"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.analysis.blockers import BLOCKERS
        from cdop.analysis.chronology import KINDS, analysis_chronology
        from cdop.analysis.models import Analysis, Factor, Recommendation
        from cdop.analysis.sections import analysis_section_context, analysis_section_visible
        from cdop.cases.blockers import blocker_provider_register
        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register

        for model in (Analysis, Factor, Recommendation):
            if not auditlog.contains(model):
                auditlog.register(model)
        blocker_provider_register("analysis", BLOCKERS)
        section_register(
            CaseSection(
                key="analysis",
                title="Analysis Form",
                order=80,
                template="analysis/_case_section.html",
                context=analysis_section_context,
                visible=analysis_section_visible,
                # Its own page: the overview's stage section already says, as a blocker,
                # what the analysis still needs before the review can be finalised.
            )
        )
        chronology_register(name="analysis", kinds=KINDS, provider=analysis_chronology)
