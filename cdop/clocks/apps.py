from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "cdop.clocks"
    label = "clocks"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.sections import CaseSection, section_register
        from cdop.cases.signals import case_transitioned
        from cdop.chronology.registry import chronology_register
        from cdop.clocks.chronology import KINDS, clock_entries
        from cdop.clocks.models import Clock, ClockSettings
        from cdop.clocks.views import stage_section_context

        for model in (Clock, ClockSettings):
            if not auditlog.contains(model):
                auditlog.register(model)
        case_transitioned.connect(
            _on_case_transitioned, dispatch_uid="clocks_stage_clocks_on_transition"
        )
        section_register(
            CaseSection(
                key="stage-and-clocks",
                overview=True,
                title="Stage and clocks",
                order=10,
                template="clocks/_case_section.html",
                context=stage_section_context,
            )
        )
        chronology_register(name="clocks", kinds=KINDS, provider=clock_entries)


def _on_case_transitioned(sender: Any, *, case: Any, transition: Any, **kwargs: Any) -> None:
    from cdop.clocks.services import stage_clocks_on_transition

    stage_clocks_on_transition(case=case, transition=transition)
