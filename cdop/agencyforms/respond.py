"""The agency's side of a Reporting Form: saving answers as they go, and sending the return.

The person answering has no account: they hold a secure link (request.secure_link), which
opens exactly one FormRequest. Every service here takes that link and works only on its
request, so an id typed into an address cannot reach another agency's forms. Writes are
audited under the link holder's email and the request number (there is no user to name).

Each form stays on the definition version it was requested on: answers are read and checked
against that version, whatever has been published since.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from auditlog.context import auditlog_value, set_extra_data
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.agencyforms.services import OPEN_STATUSES, form_request_reference
from cdop.core.errors import DomainError
from cdop.formdefs.engine import (
    Answers,
    answers_merge,
    answers_missing,
    section_get,
    section_status,
    sections,
)

if TYPE_CHECKING:
    from cdop.documents.models import Document
    from cdop.securelinks.models import SecureLink

ALREADY_SENT = (
    "This form has already been sent, so it cannot be changed. If you need to add "
    "something, contact the child death review team who asked for it."
)
WITHDRAWN = (
    "This request has been withdrawn, so nothing more can be saved. Contact the child death "
    "review team who sent it if you think this is a mistake."
)


@contextmanager
def audit_link_holder(link: SecureLink, number: str) -> Iterator[None]:
    """Audit entries written inside this block name the link's email and the request number
    (no person is signed in). The request's address is kept; the context is put back after."""
    previous = auditlog_value.get(None)
    context: dict[str, Any] = {
        "actor": None,
        "remote_addr": previous.get("remote_addr") if previous else None,
        "remote_port": previous.get("remote_port") if previous else None,
        "actor_email": f"{link.email} (link for {number})"[:254],
    }
    try:
        with set_extra_data(context_data=context):
            yield
    finally:
        auditlog_value.set(previous or {})


# --- Reading (for the link holder) --------------------------------------------------------


def form_request_for_link(*, link: SecureLink) -> FormRequest:
    """The one request this link opens, with its case (for the heading) and organisation."""
    form_request = (
        FormRequest.objects.select_related("case", "case__area", "organisation", "contact")
        .filter(links=link)
        .first()
    )
    if form_request is None:
        raise Http404
    return form_request


def requested_forms_for_link(*, link: SecureLink) -> list[RequestedForm]:
    return list(
        RequestedForm.objects.filter(request_id=link.form_request_id)
        .select_related("definition")
        .order_by("definition__kind", "pk")
    )


def requested_form_for_link(*, link: SecureLink, form_id: int) -> RequestedForm:
    """A form of the link's own request; any other id is a 404 (it may not exist at all)."""
    found = (
        RequestedForm.objects.filter(pk=form_id, request_id=link.form_request_id)
        .select_related("definition", "request")
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass
class SectionTask:
    id: str
    title: str
    status: str
    status_label: str


@dataclass
class FormTasks:
    form: RequestedForm
    sections: list[SectionTask]

    @property
    def done(self) -> bool:
        return all(s.status in ("completed", "not_needed") for s in self.sections)


def form_tasks(*, forms: list[RequestedForm]) -> list[FormTasks]:
    """The task list: each form, each section, and how far it has got."""
    from cdop.formdefs.engine import SectionStatus

    result = []
    for requested in forms:
        rows = []
        for section in sections(requested.definition):
            status = section_status(
                definition=requested.definition,
                section_id=section["id"],
                answers=requested.answers,
            )
            rows.append(
                SectionTask(
                    id=section["id"],
                    title=section["title"],
                    status=status,
                    status_label=SectionStatus.LABELS[status],
                )
            )
        result.append(FormTasks(form=requested, sections=rows))
    return result


def next_section(*, forms: list[RequestedForm], form: RequestedForm, section_id: str) -> Any:
    """(form, section id) after this one, across the forms of the request; None at the end."""
    order = [(f, s["id"]) for f in forms for s in sections(f.definition)]
    for index, (f, sid) in enumerate(order):
        if f.pk == form.pk and sid == section_id:
            return order[index + 1] if index + 1 < len(order) else None
    return None


# --- Writing ---------------------------------------------------------------------------------


def _open_request_locked(*, link: SecureLink) -> FormRequest:
    form_request = (
        FormRequest.objects.select_for_update(of=("self",)).select_related("case").get(links=link)
    )
    if form_request.status == FormRequest.Status.SUBMITTED:
        raise DomainError(ALREADY_SENT)
    if form_request.status not in OPEN_STATUSES:
        raise DomainError(WITHDRAWN)
    return form_request


def requested_form_save_section(
    *, link: SecureLink, requested_form: RequestedForm, section_id: str, section_answers: Answers
) -> RequestedForm:
    """Save one page of one form (answers replace that page's earlier answers; follow-ups no
    longer called for are dropped). The request is then "Started"."""
    form_request = requested_form.request
    with audit_link_holder(link, form_request_reference(form_request)), transaction.atomic():
        locked_request = _open_request_locked(link=link)
        locked = (
            RequestedForm.objects.select_for_update()
            .select_related("definition")
            .get(pk=requested_form.pk, request=locked_request)
        )
        if section_get(locked.definition, section_id) is None:
            raise Http404
        now = timezone.now()
        locked.answers = answers_merge(
            definition=locked.definition,
            section_id=section_id,
            answers=locked.answers or {},
            section_answers=section_answers,
        )
        locked.updated_at = now
        locked.save(update_fields=["answers", "updated_at"])
        if locked_request.status == FormRequest.Status.REQUESTED:
            locked_request.status = FormRequest.Status.IN_PROGRESS
            if locked_request.first_opened_at is None:
                locked_request.first_opened_at = now
            locked_request.save(update_fields=["status", "first_opened_at"])
    return locked


@dataclass
class Missing:
    form: RequestedForm
    section_id: str
    question_id: str
    label: str


def form_request_missing(*, forms: list[RequestedForm]) -> list[Missing]:
    """Every required question not yet answered, across the request's forms."""
    return [
        Missing(form=form, section_id=sid, question_id=qid, label=label)
        for form in forms
        for sid, qid, label in answers_missing(definition=form.definition, answers=form.answers)
    ]


def form_request_submit(*, link: SecureLink) -> FormRequest:
    """Send the return: only when nothing required is missing. Each form is marked complete,
    the request "Returned" (which the case chronology shows), and every link of the request
    stops working."""
    from cdop.securelinks.models import SecureLink as Link
    from cdop.securelinks.services import securelink_mark_used

    with transaction.atomic():
        form_request = _open_request_locked(link=link)
        with audit_link_holder(link, form_request_reference(form_request)):
            forms = list(
                RequestedForm.objects.select_for_update()
                .filter(request=form_request)
                .select_related("definition")
            )
            if form_request_missing(forms=forms):
                raise DomainError(
                    "Some questions still need an answer. Answer them, or choose ‘Not known’ "
                    "where your agency does not know, then send the form."
                )
            now = timezone.now()
            for form in forms:
                form.completed_at = now
                form.save(update_fields=["completed_at"])
            form_request.status = FormRequest.Status.SUBMITTED
            form_request.submitted_at = now
            form_request.first_opened_at = form_request.first_opened_at or now
            form_request.save(update_fields=["status", "submitted_at", "first_opened_at"])
            for other in Link.objects.filter(form_request=form_request, used_at=None):
                securelink_mark_used(link=other)
            link.used_at = link.used_at or now
    return form_request


# --- Attachments -----------------------------------------------------------------------------
#
# A file added to a return becomes a Document on the case (category "agency document"), with
# the same checks as any case document: size counted, type by content, virus scan when
# configured, stored outside the web root under a random name. The document points to its
# request; its uploader is the person who made the request (the audit entry names the agency).


def attachments_for_request(*, form_request_id: int) -> list[Document]:
    """Files the agency added to this request's return (not those it removed)."""
    from cdop.documents.models import Category, Document

    return list(
        Document.objects.filter(
            category=Category.AGENCY_DOCUMENT,
            form_request_id=form_request_id,
            withdrawn_at__isnull=True,
        ).order_by("uploaded_at", "pk")
    )


def form_request_attach(
    *, link: SecureLink, file: IO[bytes], filename: str, title: str = ""
) -> Document:
    """Add a file to the return (before it is sent). DomainError says what is wrong with it."""
    from cdop.documents.models import Category, Document
    from cdop.documents.services import document_file_check, file_chunks
    from cdop.documents.storage import new_storage_name, storage_remove, storage_write

    checked = document_file_check(file=file, filename=filename)
    filename = checked.filename
    storage_name = new_storage_name()
    storage_write(storage_name=storage_name, chunks=file_chunks(file))
    try:
        with transaction.atomic():
            form_request = _open_request_locked(link=link)
            number = form_request_reference(form_request)
            label = title.strip() or filename.rsplit(".", 1)[0] or filename
            with audit_link_holder(link, number):
                return Document.objects.create(
                    case=form_request.case,
                    category=Category.AGENCY_DOCUMENT,
                    title=f"{number}: {label}"[:200],
                    original_filename=filename[:255],
                    mime_type=checked.mime,
                    size=checked.size,
                    sha256=checked.sha256,
                    storage_name=storage_name,
                    uploaded_by_id=form_request.requested_by_id,
                    form_request=form_request,
                    uploaded_at=timezone.now(),
                    scan_status=checked.scan_status,
                )
    except BaseException:
        storage_remove(storage_name)  # no row, so no file
        raise


def form_request_detach(*, link: SecureLink, document_id: int) -> None:
    """Take a file off the return before it is sent (it is withdrawn, never deleted)."""
    from cdop.documents.models import Document

    with transaction.atomic():
        form_request = _open_request_locked(link=link)
        document = (
            Document.objects.select_for_update()
            .filter(
                pk=document_id,
                form_request=form_request,
                withdrawn_at__isnull=True,
            )
            .first()
        )
        if document is None:
            raise Http404
        with audit_link_holder(link, form_request_reference(form_request)):
            document.withdrawn_at = timezone.now()
            document.withdrawn_reason = "Removed by the agency before sending its form."
            document.save(update_fields=["withdrawn_at", "withdrawn_reason"])
