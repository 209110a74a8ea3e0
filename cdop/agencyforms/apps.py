from __future__ import annotations

from django.apps import AppConfig


class AgencyformsConfig(AppConfig):
    name = "cdop.agencyforms"
    label = "agencyforms"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.agencyforms import integration
        from cdop.agencyforms.models import Chase, FormRequest, RequestedForm
        from cdop.cases.blockers import blocker_provider_register
        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register

        for model in (FormRequest, Chase):
            if not auditlog.contains(model):
                auditlog.register(model)
        # The answers are the agency's words about a child: the audit log records when they
        # changed, not what they say (the row itself keeps them).
        if not auditlog.contains(RequestedForm):
            auditlog.register(RequestedForm, exclude_fields=["answers"])
        section_register(
            CaseSection(
                key="agency-forms",
                title="Agency Reporting Forms",
                order=35,
                template="agencyforms/_case_section.html",
                context=integration.agency_forms_section,
            )
        )
        blocker_provider_register("agency_forms", integration.BLOCKERS)
        chronology_register(
            name="agency_forms",
            kinds=integration.KINDS,
            provider=integration.agency_forms_chronology,
        )
