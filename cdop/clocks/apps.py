from __future__ import annotations

from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "cdop.clocks"
    label = "clocks"
