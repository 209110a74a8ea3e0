from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from cdop.cases.selectors import case_get_for_user
from cdop.documents.models import Document

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case


def document_list_for_case(*, case: Case) -> QuerySet[Document]:
    """The case's documents, newest first (the caller has checked the case is readable)."""
    return (
        Document.objects.filter(case=case)
        .select_related("uploaded_by", "withdrawn_by")
        .order_by("-uploaded_at", "-pk")
    )


def document_get_for_user(*, user: User, reference: str, document_id: int) -> Document:
    """The document of this case, or a 404 for anyone who may not read the case."""
    case = case_get_for_user(user=user, reference=reference)
    document = Document.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise Http404("No such document")
    document.case = case
    return document
