"""The documents' entries in the case chronology: uploads and withdrawals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows
from cdop.documents.models import Document

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

DOCUMENT_KINDS = [Kind("document", "Documents")]


def document_entries(user: User, case: Case) -> Iterable[Entry]:
    documents = compiled_rows(
        "chronology.documents",
        lambda case_id: Document.objects.filter(case_id=case_id).select_related(
            "uploaded_by", "withdrawn_by"
        ),
        case.pk,
    )
    for document in documents:
        url = (
            ""
            if document.is_withdrawn
            else reverse("documents:download", args=[case.reference, document.pk])
        )
        yield Entry(
            at=document.uploaded_at,
            kind="document",
            title=f"{document.get_category_display()} added: {document.title}",
            by=str(document.uploaded_by),
            url=url,
            extra=(
                ("File", document.original_filename),
                ("Size", str(filesizeformat(document.size))),
            ),
        )
        if document.withdrawn_at is not None:
            yield Entry(
                at=document.withdrawn_at,
                kind="document",
                title=f"Document withdrawn: {document.title}",
                detail=document.withdrawn_reason,
                by=str(document.withdrawn_by or ""),
            )
