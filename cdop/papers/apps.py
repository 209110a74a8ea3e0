from __future__ import annotations

from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "cdop.papers"
    label = "papers"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.papers.models import PapersPack, PapersSetting

        if not auditlog.contains(PapersPack):
            # The frozen HTML and PDF stay out of the log: it records who published when.
            auditlog.register(PapersPack, exclude_fields=["html", "pdf"])
        if not auditlog.contains(PapersSetting):
            auditlog.register(PapersSetting)
