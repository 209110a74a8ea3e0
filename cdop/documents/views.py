from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from cdop.accounts import permissions
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.documents import selectors, services
from cdop.documents.forms import DocumentUploadForm, DocumentWithdrawForm
from cdop.documents.storage import storage_path
from cdop.documents.uploads import SizeLimitUploadHandler

logger = logging.getLogger(__name__)


def documents_context(
    request: HttpRequest, case: Case, form: DocumentUploadForm | None = None
) -> dict[str, Any]:
    """What the documents page and the case page's section show (a fixed number of queries)."""
    documents = list(selectors.document_list_for_case(case=case))
    can_upload = permissions.can_work_on_case(request.user, case)
    return {
        "documents": [d for d in documents if not d.is_withdrawn],
        "withdrawn": [d for d in documents if d.is_withdrawn],
        "form": (form or DocumentUploadForm()) if can_upload else None,
        "can_withdraw": permissions.can_manage_case(request.user, case),
        "size_limit": services.size_limit_text(),
    }


@login_required
def document_list(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if request.method not in ("GET", "HEAD"):  # only after the case check: a 405 must not tell
        return HttpResponseNotAllowed(["GET"])  # someone a case exists that they may not see
    audit_read(obj=case)
    return render(
        request, "documents/list.html", {"case": case, "section": documents_context(request, case)}
    )


@csrf_exempt  # checked below, once our upload handler is in place
@login_required
@require_POST
def document_upload(request: HttpRequest, reference: str) -> HttpResponse:
    # The handler must be in place before anything reads the body; the CSRF check reads it.
    # The case first: someone who may not see it gets a 404 before their upload is read.
    case = case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    limiter = SizeLimitUploadHandler(request, max_bytes=services.max_upload_bytes())
    request.upload_handlers.insert(0, limiter)  # type: ignore[union-attr]
    try:
        request.FILES  # noqa: B018 - reads the body now, through the handler
    except RequestDataTooBig:
        # More than Django will read (DATA_UPLOAD_MAX_MEMORY_SIZE): say so on the form,
        # rather than show the general "problem with that request" page.
        form = DocumentUploadForm(data={}, too_big_message=services.too_big_message())
        context = {"case": case, "section": documents_context(request, case, form)}
        return render(request, "documents/list.html", context, status=400)
    return _document_upload(request, case, limiter)


@csrf_protect
def _document_upload(
    request: HttpRequest, case: Case, limiter: SizeLimitUploadHandler
) -> HttpResponse:
    if not permissions.can_work_on_case(request.user, case):
        raise PermissionDenied
    form = DocumentUploadForm(
        request.POST,
        request.FILES,
        too_big_message=services.too_big_message() if limiter.too_big else "",
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = services.document_upload(
                case=case,
                by=request.user,  # type: ignore[arg-type]
                file=upload,
                filename=upload.name or "",
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"“{document.title}” added to case {case.reference}.")
            return redirect(reverse("cases:section", args=[case.reference, "documents"]))
    return render(
        request,
        "documents/list.html",
        {"case": case, "section": documents_context(request, case, form)},
        status=400,
    )


@login_required
def document_download(request: HttpRequest, reference: str, document_id: int) -> HttpResponseBase:
    document = selectors.document_get_for_user(
        user=request.user,  # type: ignore[arg-type]
        reference=reference,
        document_id=document_id,
    )
    if request.method not in ("GET", "HEAD"):  # only after the case check: a 405 must not tell
        return HttpResponseNotAllowed(["GET"])  # someone a case exists that they may not see
    if document.is_withdrawn:
        raise Http404("Withdrawn")
    try:
        handle = storage_path(document.storage_name).open("rb")
    except OSError:
        logger.error("Document %s has no file at its storage name", document.pk)
        raise Http404("Missing file") from None
    audit_read(obj=document)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.mime_type,
    )
    # Whatever the file holds, nothing in it runs or renders as a page from our origin.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_withdraw(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    document = selectors.document_get_for_user(
        user=request.user,  # type: ignore[arg-type]
        reference=reference,
        document_id=document_id,
    )
    if not permissions.can_manage_case(request.user, document.case):
        raise PermissionDenied
    if document.is_withdrawn:
        return redirect(reverse("documents:list", args=[reference]))
    if request.method == "GET":
        return render(
            request,
            "documents/withdraw.html",
            {"case": document.case, "document": document, "form": DocumentWithdrawForm()},
        )
    form = DocumentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.document_withdraw(
                document=document,
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"“{document.title}” withdrawn from the case.")
            return redirect(reverse("documents:list", args=[reference]))
    return render(
        request,
        "documents/withdraw.html",
        {"case": document.case, "document": document, "form": form},
        status=400,
    )


def documents_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The documents section of the case page."""
    return documents_context(request, case)
