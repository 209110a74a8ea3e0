from __future__ import annotations

from django.apps import AppConfig


class DataQualityConfig(AppConfig):
    name = "cdop.dataquality"
    label = "dataquality"
