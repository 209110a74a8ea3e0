from __future__ import annotations

from django.apps import AppConfig


class AgencyformsConfig(AppConfig):
    name = "cdop.agencyforms"
    label = "agencyforms"
