from __future__ import annotations

from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "cdop.actions"
    label = "actions"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.actions import feedback, integration
        from cdop.actions.models import Action, ActionStatusChange, FamilyFeedback
        from cdop.cases.sections import CaseSection, section_register
        from cdop.cases.signals import case_transitioned
        from cdop.chronology.registry import chronology_register

        for model in (Action, ActionStatusChange, FamilyFeedback):
            if not auditlog.contains(model):
                auditlog.register(model)
        # After the work app's receiver (INSTALLED_APPS order), so the task its rule made is
        # found rather than made twice.
        case_transitioned.connect(
            feedback.on_case_transitioned, dispatch_uid="actions_family_feedback_task"
        )
        section_register(
            CaseSection(
                key="actions",
                title="Actions",
                order=80,
                template="actions/_case_section.html",
                context=integration.section_context,
            )
        )
        chronology_register(
            name="actions",
            kinds=integration.CHRONOLOGY_KINDS,
            provider=integration.chronology_entries,
        )
