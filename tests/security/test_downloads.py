"""Files never open in the browser from the platform's own address: every view that sends
a file (uploaded documents, generated papers, PDFs, exports, the transfer pack) sends it
as an attachment, with X-Content-Type-Options: nosniff, and either a content type a
browser will not run (PDF, ZIP, CSV, JSON, a spreadsheet) or a sandboxing CSP. An uploaded
file that a browser could render (text, an image) still goes as an attachment under
`default-src 'none'; sandbox`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cdop.cases.models import Case
from cdop.documents.services import document_upload
from cdop.documents.tests import files
from tests.security.world import World

pytestmark = pytest.mark.django_db

# Content types a browser saves rather than runs or renders as a page of this origin.
SAFE_TYPES = {
    "application/pdf",
    "application/zip",
    "application/json",
    "application/octet-stream",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def assert_safe_download(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment"), response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    content_type = response["Content-Type"].split(";")[0].strip()
    csp = response.get("Content-Security-Policy", "")
    sandboxed = "sandbox" in csp and "default-src 'none'" in csp
    assert content_type in SAFE_TYPES or sandboxed, (content_type, csp)
    sent = body(response)
    assert sent  # something was sent
    return sent


def _get(path: Callable[[World], str], persona: str = "alice") -> Callable[[World], Any]:
    return lambda world: world.client(persona).get(path(world))


DOWNLOADS: dict[str, Callable[[World], Any]] = {
    "case document": _get(
        lambda w: f"/staff/cases/{w.ids['case']}/documents/{w.ids['document']}/download/"
    ),
    "meeting papers": _get(lambda w: f"/staff/papers/meetings/{w.ids['meeting']}/download/"),
    "chronology PDF": _get(lambda w: f"/staff/cases/{w.ids['case']}/chronology/pdf/"),
    "Reporting Forms collated": _get(
        lambda w: f"/staff/cases/{w.ids['case']}/forms/collation/pdf/"
    ),
    "form definition JSON": _get(
        lambda w: (
            f"/staff/form-definitions/{w.ids['formdef_code']}/{w.ids['formdef_version']}/json/"
        )
    ),
    "case list CSV": _get(lambda w: "/staff/cases/?format=csv"),
    "action tracker CSV": _get(lambda w: "/staff/actions/?format=csv"),
    # Only the POST spends the link (a mail scanner's GET must not).
    "transfer pack": lambda w: w.client("anon").post(f"/transfer-pack/{w.ids['pack_token']}/"),
    "annual report PDF": _get(lambda w: "/staff/statistics/annual/llr.pdf"),
    "annual report spreadsheet": _get(lambda w: "/staff/statistics/annual/llr.xlsx"),
    "family letter": lambda w: w.client("alice").post(
        f"/staff/cases/{w.ids['case']}/family/letters/first_contact/",
        {"message": "We are sorry for your loss.", "download": "1"},
    ),
}


@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_each_download_is_an_attachment_the_browser_will_not_render(world, name):
    assert_safe_download(DOWNLOADS[name](world))


@pytest.mark.parametrize(
    ("filename", "content", "category"),
    [
        ("note.txt", files.TEXT, "letter"),
        ("photo.png", files.PNG, "other"),
        ("scan.jpg", files.JPEG, "other"),
    ],
)
def test_an_uploaded_file_a_browser_could_render_is_sandboxed(world, filename, content, category):
    case = Case.objects.get(reference=world.ids["case"])
    document = document_upload(
        case=case,
        by=world.users["alice"],
        file=SimpleUploadedFile(filename, content),
        filename=filename,
        category=category,
    )

    response = world.client("alice").get(
        f"/staff/cases/{case.reference}/documents/{document.pk}/download/"
    )

    sent = assert_safe_download(response)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert sent == content


@pytest.mark.parametrize(
    ("filename", "content"),
    [("page.html", files.HTML), ("image.svg", files.SVG), ("run.exe", files.EXE)],
)
def test_a_file_that_could_run_in_the_browser_is_refused_at_upload(world, filename, content):
    """HTML, SVG and programs are refused by content, so they are never stored to serve."""
    client = world.client("alice")
    reference = world.ids["case"]

    response = client.post(
        f"/staff/cases/{reference}/documents/upload/",
        {
            "file": SimpleUploadedFile(filename, content),
            "category": "other",
            "title": "Anything",
        },
    )

    assert response.status_code == 400
    listing = client.get(f"/staff/cases/{reference}/documents/").content.decode()
    assert filename not in listing


def test_no_page_of_the_agency_or_family_serves_a_file_back(world):
    """A link holder uploads attachments but never downloads one: no file leaves through
    the pages for people without an account."""
    agency = world.client("agency")
    files_page = agency.get("/reporting-form/files/")

    assert files_page.status_code == 200
    assert "/download/" not in files_page.content.decode()
    assert (
        agency.get(
            f"/staff/cases/{world.ids['case']}/documents/{world.ids['document']}/download/"
        ).status_code
        == 302
    )


def test_the_notifiers_copy_of_what_they_sent_is_an_attachment(world):
    from cdop.notifications.tests.test_notify_form import notify

    client = notify(Client())

    response = client.get("/llr/notify/sent/copy/")

    assert_safe_download(response)
    assert response["Content-Type"] == "application/pdf"
