from __future__ import annotations

from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "cdop.transfers"
    label = "transfers"
    verbose_name = "Where notifications go: added to a case or transferred"
