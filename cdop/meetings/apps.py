from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cdop.meetings"
    label = "meetings"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register
        from cdop.meetings.chronology import KINDS, meetings_chronology
        from cdop.meetings.models import AgendaItem, Invitee, Meeting, QuorumRule
        from cdop.meetings.sections import meetings_section_context

        for model in (Meeting, Invitee, AgendaItem, QuorumRule):
            if not auditlog.contains(model):
                auditlog.register(model)
        section_register(
            CaseSection(
                key="meetings",
                title="Meetings",
                order=45,
                template="meetings/_case_section.html",
                context=meetings_section_context,
            )
        )
        chronology_register(name="meetings", kinds=KINDS, provider=meetings_chronology)
