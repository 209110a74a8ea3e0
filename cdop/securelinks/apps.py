from __future__ import annotations

from django.apps import AppConfig


class SecurelinksConfig(AppConfig):
    name = "cdop.securelinks"
    label = "securelinks"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.securelinks.models import SecureLink

        if not auditlog.contains(SecureLink):
            # Hashes stay out of the log (six digits behind a hash are guessed in moments);
            # each opening is its own ACCESS entry, so the counters are left out too.
            auditlog.register(
                SecureLink,
                exclude_fields=[
                    "token_hash",
                    "otp_hash",
                    "otp_expires_at",
                    "open_count",
                    "last_opened_at",
                ],
            )
