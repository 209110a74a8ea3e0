from __future__ import annotations

from django.apps import AppConfig


class FamilyvoiceConfig(AppConfig):
    name = "cdop.familyvoice"
    label = "familyvoice"
