from __future__ import annotations

from django.apps import AppConfig


class SecurelinksConfig(AppConfig):
    name = "cdop.securelinks"
    label = "securelinks"
