from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cdop.cases"
    label = "cases"

    def ready(self) -> None:
        from cdop.cases import case_sections

        case_sections.register()
