from __future__ import annotations

import hashlib
import stat

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from cdop.core.tests.factories import CaseFactory
from cdop.documents.models import Document, ScanStatus
from cdop.documents.storage import storage_path
from cdop.documents.tests import files
from cdop.documents.tests.conftest import stored_files


def upload_url(case):
    return f"/staff/cases/{case.reference}/documents/upload/"


def post_file(client, case, name, content, category="post_mortem_report", title=""):
    data = {"category": category, "title": title}
    if name is not None:
        data["file"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(upload_url(case), data)


def test_alice_adds_a_pdf_and_it_is_stored_outside_the_web_root_readable_only_by_the_service(
    client_for, alice, case, documents_root
):
    response = post_file(client_for(alice), case, "pm-report.pdf", files.PDF, title="PM report")

    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.reference}/section/documents/"
    document = Document.objects.get()
    assert (document.case, document.uploaded_by, document.title) == (case, alice, "PM report")
    assert (document.original_filename, document.mime_type) == ("pm-report.pdf", "application/pdf")
    assert document.size == len(files.PDF)
    assert document.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert document.scan_status == ScanStatus.NOT_SCANNED
    path = storage_path(document.storage_name)
    assert path.is_relative_to(documents_root)
    assert "pm-report" not in str(path)
    assert path.read_bytes() == files.PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stored_files(documents_root) == [path]


def test_adding_a_document_is_recorded_in_the_audit_log(client_for, alice, case, llr):
    post_file(client_for(alice), case, "letter.pdf", files.PDF)

    created = LogEntry.objects.get_for_object(Document.objects.get()).get(
        action=LogEntry.Action.CREATE
    )
    assert created.actor == alice
    assert created.additional_data == {"area_id": llr.pk, "case": case.reference}
    assert "storage_name" not in created.changes_dict


def test_kim_adds_a_document_to_the_case_she_is_key_worker_for(client_for, kim, llr):
    case = CaseFactory(area=llr, key_worker=kim)

    response = post_file(client_for(kim), case, "letter.txt", files.TEXT, category="letter")

    assert response.status_code == 302
    assert Document.objects.get().uploaded_by == kim


def test_an_empty_title_takes_the_files_name(client_for, alice, case):
    post_file(client_for(alice), case, "Inquest outcome.pdf", files.PDF, category="inquest")

    assert Document.objects.get().title == "Inquest outcome"


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        (
            "report.docx",
            files.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "report.docx",
            files.DOCX_UNUSUAL_ORDER,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("report.odt", files.ODT, "application/vnd.oasis.opendocument.text"),
        ("scan.png", files.PNG, "image/png"),
        ("photo.JPG", files.JPEG, "image/jpeg"),
        ("photo.jpeg", files.JPEG, "image/jpeg"),
        ("scan.tif", files.TIFF, "image/tiff"),
        ("note.txt", files.TEXT, "text/plain"),
    ],
)
def test_it_accepts_each_allowed_kind_of_file_by_its_content(
    client_for, alice, case, name, content, mime
):
    response = post_file(client_for(alice), case, name, content)

    assert response.status_code == 302
    assert Document.objects.get().mime_type == mime


BAD_UPLOADS = [
    pytest.param(
        "report.pdf",
        files.EXE,
        "The selected file must be a PDF, a Word document",
        id="exe-renamed-pdf",
    ),
    pytest.param(
        "report.docx",
        files.PDF,
        "The selected file is a PDF, but its name ends in .docx. Rename it to end in .pdf",
        id="pdf-named-docx",
    ),
    pytest.param(
        "report",
        files.PDF,
        "its name ends in nothing (no extension). Rename it to end in .pdf",
        id="pdf-without-extension",
    ),
    pytest.param("page.html", files.HTML, "The selected file must be a PDF", id="html"),
    pytest.param("page.txt", files.HTML, "The selected file must be a PDF", id="html-named-txt"),
    pytest.param("drawing.svg", files.SVG, "The selected file must be a PDF", id="svg"),
    pytest.param("drawing.png", files.SVG, "The selected file must be a PDF", id="svg-named-png"),
    pytest.param("bundle.zip", files.ZIP, "The selected file must be a PDF", id="zip"),
    pytest.param("bundle.docx", files.ZIP, "The selected file must be a PDF", id="zip-named-docx"),
    pytest.param("macro.docx", files.DOCM, "Word document with macros", id="macro-enabled-word"),
    pytest.param("run.txt", files.SHELL, "The selected file must be a PDF", id="shell-script"),
    pytest.param("empty.pdf", b"", "The selected file is empty", id="empty"),
    pytest.param(
        "big.pdf",
        files.PDF + b"0" * 10 * 1024,
        "The selected file must be smaller than 10 KB",
        id="oversized",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_UPLOADS)
def test_a_bad_upload_gets_a_clear_message_and_nothing_is_stored(
    client_for, alice, case, documents_root, name, content, message
):
    response = post_file(client_for(alice), case, name, content, title="Kept as typed")

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert 'value="Kept as typed"' in page
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_a_missing_file_asks_for_one(client_for, alice, case, documents_root):
    response = post_file(client_for(alice), case, None, b"")

    assert response.status_code == 400
    assert "Select a file" in response.content.decode()
    assert not Document.objects.exists()


def test_a_missing_category_asks_for_one_and_stores_nothing(
    client_for, alice, case, documents_root
):
    response = post_file(client_for(alice), case, "a.pdf", files.PDF, category="")

    assert response.status_code == 400
    assert "Select what kind of document this is" in response.content.decode()
    assert stored_files(documents_root) == []


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_people_who_cannot_see_the_case_get_404_and_nothing_is_stored(
    request, client_for, case, documents_root, persona
):
    user = request.getfixturevalue(persona)  # kim is not this case's key worker

    response = post_file(client_for(user), case, "a.pdf", files.PDF)

    assert response.status_code == 404
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_a_refused_write_of_the_row_leaves_no_file(
    client_for, alice, case, documents_root, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Document.objects, "create", fail)

    with pytest.raises(RuntimeError):
        post_file(client_for(alice), case, "a.pdf", files.PDF)

    assert stored_files(documents_root) == []


def test_a_body_too_big_for_django_gets_a_400_page_not_a_500(
    client_for, alice, case, settings, documents_root
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client_for(alice).post(
        upload_url(case),
        {"category": "letter", "title": "x" * 2000, "file": SimpleUploadedFile("a.pdf", files.PDF)},
    )

    assert response.status_code == 400
    assert "smaller than 10 KB" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_a_broken_form_body_gets_a_400_page_not_a_500(client_for, alice, case, documents_root):
    response = client_for(alice).post(
        upload_url(case),
        data=b'--boundary\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n',
        content_type="multipart/form-data; boundary=",
    )

    assert response.status_code == 400
    assert not Document.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(alice, case, documents_root):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice, backend="allauth.account.auth_backends.AuthenticationBackend")

    response = client.post(
        upload_url(case), {"category": "letter", "file": SimpleUploadedFile("a.pdf", files.PDF)}
    )

    assert response.status_code == 403
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []
