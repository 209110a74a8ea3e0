from __future__ import annotations

from django.apps import AppConfig


class DataQualityConfig(AppConfig):
    name = "cdop.dataquality"
    label = "dataquality"
    verbose_name = "Data quality"

    def ready(self) -> None:
        from cdop.cases.sections import CaseSection, section_register
        from cdop.dataquality import signals
        from cdop.dataquality.sections import (
            dataquality_section_context,
            dataquality_section_visible,
        )

        section_register(
            CaseSection(
                key="data-quality",
                title="Data quality",
                order=94,
                template="dataquality/_case_section.html",
                context=dataquality_section_context,
                visible=dataquality_section_visible,
            )
        )
        signals.connect()
        from cdop.core.kept import kept_area_forgetter
        from cdop.dataquality.selectors import worst_first_forget

        kept_area_forgetter(worst_first_forget)
