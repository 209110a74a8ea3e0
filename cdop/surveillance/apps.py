from __future__ import annotations

from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "cdop.surveillance"
    label = "surveillance"
