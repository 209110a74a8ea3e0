from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cdop.accounts.models import User
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.respond import attachments_for_request
from cdop.agencyforms.tests.respond_helpers import (
    fill_everything,
    issue_link,
    open_link,
    request_with_forms,
)
from cdop.areas.models import Area
from cdop.core.tests.factories import CaseFactory
from cdop.documents.models import Category, Document
from cdop.documents.tests import files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def documents_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "documents"
    settings.DOCUMENTS_ROOT = root
    settings.DOCUMENTS_MAX_BYTES = 10 * 1024
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST = ""
    return root


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def form_request(llr: Area, alice: User) -> FormRequest:
    return request_with_forms(case=CaseFactory(area=llr), by=alice)


@pytest.fixture
def agency(form_request: FormRequest) -> Client:
    return open_link(issue_link(form_request))


def _upload(agency: Client, content: bytes, name: str, title: str = "") -> Any:
    return agency.post(
        "/reporting-form/files/",
        {"file": SimpleUploadedFile(name, content), "title": title},
    )


def test_a_file_is_added_to_the_case_as_an_agency_document(
    agency: Client, form_request: FormRequest, documents_root: Path
) -> None:
    response = _upload(agency, files.PDF, "chronology.pdf", "Our chronology")
    assert response.status_code == 302
    document = Document.objects.get(case=form_request.case)
    assert document.category == Category.AGENCY_DOCUMENT
    assert document.title == f"RF-{form_request.pk:06d}: Our chronology"
    assert document.mime_type == "application/pdf"
    assert len(_stored(documents_root)) == 1
    entry = LogEntry.objects.get_for_object(document).get()
    assert form_request.contact.email in entry.actor_email
    page = agency.get("/reporting-form/files/").content.decode()
    assert "chronology.pdf" in page


@pytest.mark.parametrize(
    ("content", "name"),
    [(files.EXE, "report.pdf"), (files.HTML, "report.html"), (b"", "empty.pdf")],
)
def test_a_refused_file_is_shown_with_the_reason_and_nothing_is_stored(
    agency: Client, form_request: FormRequest, documents_root: Path, content: bytes, name: str
) -> None:
    response = _upload(agency, content, name)
    assert response.status_code == 400
    assert "govuk-error-message" in response.content.decode()
    assert not Document.objects.exists()
    assert _stored(documents_root) == []


def test_a_file_over_the_limit_is_refused(agency: Client, documents_root: Path) -> None:
    response = _upload(agency, files.PDF + b"0" * 11 * 1024, "big.pdf")
    assert response.status_code == 400
    assert "must be smaller than 10 KB" in response.content.decode()
    assert _stored(documents_root) == []


def test_a_file_can_be_removed_before_sending(agency: Client, form_request: FormRequest) -> None:
    _upload(agency, files.PDF, "wrong.pdf")
    document = Document.objects.get()
    response = agency.post(f"/reporting-form/files/{document.pk}/remove/")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_at is not None
    assert attachments_for_request(form_request_id=form_request.pk) == []


def test_staff_documents_never_show_as_the_agencys_files(
    agency: Client, form_request: FormRequest, alice: User
) -> None:
    from cdop.documents.services import document_upload

    staff_document = document_upload(
        case=form_request.case,
        by=alice,
        file=SimpleUploadedFile("pm.pdf", files.PDF),
        filename="pm.pdf",
        category=Category.AGENCY_DOCUMENT,
        title=f"RF-{form_request.pk:06d}: looks like theirs",
    )
    assert "pm.pdf" not in agency.get("/reporting-form/files/").content.decode()
    response = agency.post(f"/reporting-form/files/{staff_document.pk}/remove/")
    assert response.status_code == 404
    staff_document.refresh_from_db()
    assert staff_document.withdrawn_at is None


def test_files_go_with_the_return_and_staff_see_them(
    agency: Client, form_request: FormRequest, client_for: Any, alice: User
) -> None:
    _upload(agency, files.PDF, "report.pdf", "Safeguarding report")
    fill_everything(agency, form_request)
    agency.post("/reporting-form/check/")
    assert "report.pdf" in agency.get("/reporting-form/sent/").content.decode()
    page = (
        client_for(alice)
        .get(f"/staff/cases/{form_request.case.reference}/forms/{form_request.pk}/answers/")
        .content.decode()
    )
    assert "Safeguarding report" in page
    # After sending, nothing more can be added.
    assert _upload(agency, files.PDF, "late.pdf").status_code == 404
