from __future__ import annotations

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "cdop.analysis"
    label = "analysis"

    def ready(self) -> None:
        pass
