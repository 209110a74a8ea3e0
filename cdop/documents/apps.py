from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cdop.documents"
    label = "documents"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.sections import CaseSection, section_register
        from cdop.chronology.registry import chronology_register
        from cdop.documents import checks  # noqa: F401 - registers the start-up check
        from cdop.documents.chronology import DOCUMENT_KINDS, document_entries
        from cdop.documents.models import Document
        from cdop.documents.views import documents_section

        if not auditlog.contains(Document):
            # The storage name is where the file is on disk: no use to a reader of the log.
            auditlog.register(Document, exclude_fields=["storage_name"])
        section_register(
            CaseSection(
                key="documents",
                title="Documents",
                order=40,
                template="documents/_section.html",
                context=documents_section,
            )
        )
        chronology_register(name="documents", kinds=DOCUMENT_KINDS, provider=document_entries)
