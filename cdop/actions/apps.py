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
        # The unfiltered tracker's count is kept a while (selectors.tracker_count_kept): a
        # save or delete of an action forgets its area's.
        from cdop.actions.selectors import tracker_count_forget
        from cdop.core.kept import kept_area_forgetter, kept_forget_on_writes

        kept_area_forgetter(tracker_count_forget)
        kept_forget_on_writes(
            "actions_tracker", (Action,), lambda action: tracker_count_forget(action.area_id)
        )
