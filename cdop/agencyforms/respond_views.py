"""The pages an agency contact fills in (under /reporting-form/), and staff reading a return.

Every agency page is opened through @link_required: the link in the session decides which
request opens, so nothing in these addresses can reach another agency's forms. A form id
that is not the link's own gets the same "this link does not work" page as a bad link.

What the agency sees of the case: the child's name, date of birth and date of death, so they
can find the right records (the email carries none of it), and nothing else from the record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from cdop.agencyforms import respond
from cdop.agencyforms.collation import (
    collation_export_record,
    collation_for_case,
    collation_pdf,
    collation_read_record,
)
from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.agencyforms.respond_forms import AttachmentForm
from cdop.agencyforms.selectors import form_request_get_for_user, requested_forms_of
from cdop.agencyforms.services import form_request_reference
from cdop.audit.services import audit_read
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.documents.services import max_upload_bytes, size_limit_text, too_big_message
from cdop.documents.uploads import SizeLimitUploadHandler
from cdop.formdefs.engine import SectionForm, answers_display, section_form, section_get
from cdop.securelinks.decorators import link_required
from cdop.securelinks.models import SecureLink

AGENCY_FORM = SecureLink.Purpose.AGENCY_FORM
# A rough guide for the start page: most questions take a minute or less.
MINUTES_PER_QUESTION = 1


def _link(request: HttpRequest) -> SecureLink:
    return request.secure_link  # type: ignore[attr-defined,no-any-return]


def _not_working(request: HttpRequest) -> HttpResponse:
    from cdop.securelinks.views import link_not_working

    return link_not_working(request)


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    link = _link(request)
    form_request = respond.form_request_for_link(link=link)
    forms = respond.requested_forms_for_link(link=link)
    return {
        "form_request": form_request,
        "number": form_request_reference(form_request),
        "forms": forms,
        "area": form_request.case.area,
        "child": form_request.case,
        "attachments": respond.attachments_for_request(form_request_id=form_request.pk),
        **extra,
    }


@require_http_methods(["GET", "HEAD"])
@link_required(AGENCY_FORM)
def start(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    questions = sum(
        len(section["questions"])
        for form in context["forms"]
        for section in form.definition.schema["sections"]
    )
    context["minutes"] = max(15, round(questions * MINUTES_PER_QUESTION / 15) * 15)
    context["started"] = any(form.answers for form in context["forms"])
    return render(request, "agencyforms/respond/start.html", context)


@require_http_methods(["GET", "HEAD"])
@link_required(AGENCY_FORM)
def tasks(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    context["tasks"] = respond.form_tasks(forms=context["forms"])
    context["all_done"] = all(task.done for task in context["tasks"])
    return render(request, "agencyforms/respond/tasks.html", context)


def _section_page(
    request: HttpRequest,
    *,
    requested: RequestedForm,
    section: dict[str, Any],
    form: SectionForm,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context = _context(
        request, requested=requested, section=section, form=form, rows=form.rows(), error=error
    )
    return render(request, "agencyforms/respond/section.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@link_required(AGENCY_FORM)
def section(request: HttpRequest, form_id: int, section_id: str) -> HttpResponse:
    link = _link(request)
    try:
        requested = respond.requested_form_for_link(link=link, form_id=form_id)
    except Http404:
        return _not_working(request)
    page = section_get(requested.definition, section_id)
    if page is None:
        return _not_working(request)
    if request.method != "POST":
        form = section_form(
            definition=requested.definition, section_id=section_id, answers=requested.answers
        )
        return _section_page(request, requested=requested, section=page, form=form)
    form = section_form(
        definition=requested.definition,
        section_id=section_id,
        answers=requested.answers,
        data=request.POST,
    )
    if not form.is_valid():
        return _section_page(request, requested=requested, section=page, form=form, status=400)
    try:
        respond.requested_form_save_section(
            link=link,
            requested_form=requested,
            section_id=section_id,
            section_answers=form.section_answers(),
        )
    except DomainError as error:
        return _section_page(
            request, requested=requested, section=page, form=form, status=409, error=error.message
        )
    if request.POST.get("action") == "later":
        messages.success(
            request,
            "Your answers have been saved. You can come back to them with the link in your "
            "email until it expires.",
        )
        return redirect("agencyforms_respond:tasks")
    if request.POST.get("return") == "check":
        return redirect("agencyforms_respond:check")
    following = respond.next_section(
        forms=respond.requested_forms_for_link(link=link), form=requested, section_id=section_id
    )
    if following is None:
        return redirect("agencyforms_respond:check")
    next_form, next_section_id = following
    return redirect("agencyforms_respond:section", form_id=next_form.pk, section_id=next_section_id)


def _check_page(request: HttpRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    context = _context(request, error=error)
    context["returns"] = [
        (form, answers_display(definition=form.definition, answers=form.answers))
        for form in context["forms"]
    ]
    context["missing"] = respond.form_request_missing(forms=context["forms"])
    return render(request, "agencyforms/respond/check.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@link_required(AGENCY_FORM)
def check(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _check_page(request)
    try:
        respond.form_request_submit(link=_link(request))
    except DomainError as error:
        return _check_page(request, status=400, error=error.message)
    return redirect("agencyforms_respond:receipt")


@require_http_methods(["GET", "HEAD"])
@link_required(AGENCY_FORM, allow_used=True)
def receipt(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    if context["form_request"].status != FormRequest.Status.SUBMITTED:
        return redirect("agencyforms_respond:tasks")
    context["returns"] = [
        (form, answers_display(definition=form.definition, answers=form.answers))
        for form in context["forms"]
    ]
    return render(request, "agencyforms/respond/receipt.html", context)


def _files_page(
    request: HttpRequest, *, form: AttachmentForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    context = _context(
        request, form=form or AttachmentForm(), size_limit=size_limit_text(), error=error
    )
    return render(request, "agencyforms/respond/files.html", context, status=status)


@csrf_exempt  # checked in _files_upload, once the size-limiting handler is in place
@require_http_methods(["GET", "HEAD", "POST"])
@link_required(AGENCY_FORM)
def files(request: HttpRequest) -> HttpResponse:
    """Files the agency adds to its return (reports, chronologies), with the same checks as
    every case document."""
    if request.method != "POST":
        return _files_page(request)
    limiter = SizeLimitUploadHandler(request, max_bytes=max_upload_bytes())
    request.upload_handlers.insert(0, limiter)  # type: ignore[union-attr]
    try:
        request.FILES  # noqa: B018 - reads the body now, through the handler
    except RequestDataTooBig:
        form = AttachmentForm(data={}, too_big_message=too_big_message())
        form.is_valid()
        return _files_page(request, form=form, status=400)
    return _files_upload(request, limiter)


@csrf_protect
def _files_upload(request: HttpRequest, limiter: SizeLimitUploadHandler) -> HttpResponse:
    form = AttachmentForm(
        request.POST, request.FILES, too_big_message=too_big_message() if limiter.too_big else ""
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            respond.form_request_attach(
                link=_link(request),
                file=upload,
                filename=upload.name or "",
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"“{upload.name}” has been added to your form.")
            return redirect("agencyforms_respond:files")
    return _files_page(request, form=form, status=400)


@require_POST
@link_required(AGENCY_FORM)
def file_remove(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        respond.form_request_detach(link=_link(request), document_id=document_id)
    except Http404:
        return _not_working(request)
    except DomainError as error:
        return _files_page(request, status=409, error=error.message)
    messages.success(request, "The file has been removed from your form.")
    return redirect("agencyforms_respond:files")


# --- Staff: reading a return ------------------------------------------------------------------


@login_required
def request_answers(request: HttpRequest, reference: str, request_id: int) -> HttpResponse:
    """A request's forms and answers, read-only, each in the labels of the version it was
    requested on."""
    case = case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    form_request = form_request_get_for_user(
        user=request.user,  # type: ignore[arg-type]
        case=case,
        pk=request_id,
    )
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    audit_read(obj=form_request)
    # Answers are the agency's own until they send them: staff read only what was returned.
    returned = form_request.status == FormRequest.Status.SUBMITTED
    forms = requested_forms_of(form_request=form_request) if returned else []
    context = {
        "case": case,
        "form_request": form_request,
        "number": form_request_reference(form_request),
        "returns": [
            (form, answers_display(definition=form.definition, answers=form.answers))
            for form in forms
        ],
        "attachments": (
            respond.attachments_for_request(form_request_id=form_request.pk) if returned else []
        ),
    }
    return render(request, "agencyforms/respond/staff_answers.html", context)


# --- Staff: all returns side by side -----------------------------------------------------------


@login_required
def collation(request: HttpRequest, reference: str) -> HttpResponse:
    """Every returned form of the case, section by section, agencies side by side."""
    case = case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    collated = collation_for_case(case=case)
    collation_read_record(case=case, by=request.user, collated=collated)  # type: ignore[arg-type]
    return render(request, "agencyforms/collation.html", {"case": case, "collated": collated})


@login_required
def collation_pdf_download(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    collated = collation_for_case(case=case)
    pdf = collation_pdf(case=case, collated=collated, prepared_by=str(request.user))
    collation_export_record(case=case, by=request.user, collated=collated)  # type: ignore[arg-type]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reporting-forms-{case.reference}.pdf"'
    return response
