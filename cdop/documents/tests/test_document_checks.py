"""The checks an upload goes through, below the web page: size while streaming, the virus
scan, and the service's own checks for callers other than the page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import RequestFactory

from cdop.core.errors import DomainError
from cdop.documents.models import Document, ScanStatus
from cdop.documents.scanning import ClamdScanner, Verdict, scanner, scanner_override
from cdop.documents.services import document_upload
from cdop.documents.tests import files
from cdop.documents.tests.conftest import stored_files
from cdop.documents.uploads import SizeLimitUploadHandler


class FakeScanner:
    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        self.scanned: list[bytes] = []

    def scan(self, file):
        self.scanned.append(file.read())
        file.seek(0)
        return self.verdict


def upload(case, by, content=files.PDF, name="report.pdf"):
    return document_upload(
        case=case,
        by=by,
        file=SimpleUploadedFile(name, content),
        filename=name,
        category="letter",
    )


def test_the_size_limit_stops_a_file_while_it_streams_in_whatever_its_length_claimed():
    handler = SizeLimitUploadHandler(RequestFactory().post("/"), max_bytes=10)
    handler.new_file("file", "big.pdf", "application/pdf", content_length=5)

    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"678901", 5)
    assert handler.too_big


def test_the_service_refuses_an_oversized_file_itself(alice, case, documents_root):
    with pytest.raises(DomainError, match="smaller than 10 KB"):
        upload(case, alice, content=files.PDF + b"0" * 10 * 1024)

    assert stored_files(documents_root) == []


def test_scanning_is_off_unless_clamav_is_configured(settings):
    assert scanner() is None
    settings.CLAMAV_SOCKET = "/run/clamav/clamd.ctl"
    assert isinstance(scanner(), ClamdScanner)


def test_a_clean_scan_is_recorded_on_the_document(alice, case):
    fake = FakeScanner(Verdict.CLEAN)
    with scanner_override(fake):
        document = upload(case, alice)

    assert fake.scanned == [files.PDF]
    assert document.scan_status == ScanStatus.CLEAN


def test_an_infected_file_is_refused_and_nothing_is_stored(client_for, alice, case, documents_root):
    with scanner_override(FakeScanner(Verdict.INFECTED)):
        response = client_for(alice).post(
            f"/staff/cases/{case.reference}/documents/upload/",
            {"category": "letter", "file": SimpleUploadedFile("a.pdf", files.PDF)},
        )

    assert response.status_code == 400
    assert "The selected file contains a virus" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_when_the_scanner_cannot_be_reached_the_file_is_refused_with_try_again_later(
    alice, case, documents_root
):
    with (
        scanner_override(FakeScanner(Verdict.UNAVAILABLE)),
        pytest.raises(DomainError, match="Try again in a few minutes"),
    ):
        upload(case, alice)

    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_a_real_clamd_client_pointed_at_nothing_reports_the_scanner_unavailable(tmp_path):
    missing = ClamdScanner(socket_path=str(tmp_path / "no-clamd.sock"), timeout=1)

    with open(__file__, "rb") as file:
        assert missing.scan(file) is Verdict.UNAVAILABLE


def test_the_file_is_only_typed_after_the_size_and_emptiness_checks(alice, case):
    with pytest.raises(DomainError, match="The selected file is empty"):
        upload(case, alice, content=b"", name="empty.exe")


def test_the_service_refuses_people_who_cannot_see_the_case(olu, case):
    from django.http import Http404

    with pytest.raises(Http404):
        upload(case, olu)


def test_the_start_up_check_refuses_a_documents_root_that_is_served(settings, tmp_path):
    from cdop.documents.checks import documents_root_not_served

    assert documents_root_not_served() == []
    settings.DOCUMENTS_ROOT = settings.STATIC_ROOT / "documents"
    assert [e.id for e in documents_root_not_served()] == ["documents.E001"]


def test_the_folders_holding_documents_are_private_to_the_service(alice, case, documents_root):
    import stat

    from cdop.documents.storage import storage_path

    document = upload(case, alice)

    folder = storage_path(document.storage_name).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(documents_root.stat().st_mode) == 0o700


def test_only_the_files_own_name_is_kept(alice, case):
    document = document_upload(
        case=case,
        by=alice,
        file=SimpleUploadedFile("x", files.PDF),
        filename="C:\\Users\\sam\\..\\report\r\n.pdf",
        category="letter",
    )

    assert document.original_filename == "report.pdf"
