from __future__ import annotations

from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "cdop.areas"
    label = "areas"
