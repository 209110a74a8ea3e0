from __future__ import annotations

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "cdop.agencies"
    label = "agencies"
