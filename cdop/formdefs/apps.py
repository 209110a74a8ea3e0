from __future__ import annotations

from django.apps import AppConfig


class FormdefsConfig(AppConfig):
    name = "cdop.formdefs"
    label = "formdefs"
