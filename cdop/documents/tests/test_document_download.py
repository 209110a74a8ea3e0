from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from cdop.core.tests.factories import CaseFactory
from cdop.documents.models import Document
from cdop.documents.services import document_upload, document_withdraw
from cdop.documents.tests import files


def add_document(case, by, name="pm.pdf", content=files.PDF, title="Post-mortem report"):
    return document_upload(
        case=case,
        by=by,
        file=SimpleUploadedFile(name, content),
        filename=name,
        category="post_mortem_report",
        title=title,
    )


def download_url(document):
    return f"/staff/cases/{document.case.reference}/documents/{document.pk}/download/"


def test_devi_downloads_a_document_as_an_attachment_that_cannot_render_in_the_browser(
    client_for, alice, devi, case
):
    document = add_document(case, alice, name="Report “final”.pdf")

    response = client_for(devi).get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Report%20%E2%80%9Cfinal%E2%80%9D.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_every_download_is_recorded_in_the_audit_log(client_for, alice, devi, case, llr):
    document = add_document(case, alice)

    client_for(devi).get(download_url(document))
    client_for(devi).get(download_url(document))

    downloads = LogEntry.objects.get_for_object(document).filter(action=LogEntry.Action.ACCESS)
    assert downloads.count() == 2
    assert {d.actor for d in downloads} == {devi}
    assert downloads[0].additional_data == {"area_id": llr.pk, "case": case.reference}


def test_kim_downloads_from_the_case_she_is_key_worker_for(client_for, alice, kim, llr):
    case = CaseFactory(area=llr, key_worker=kim)
    document = add_document(case, alice)

    assert client_for(kim).get(download_url(document)).status_code == 200


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_people_who_cannot_see_the_case_get_404_on_its_documents_and_nothing_is_audited(
    request, client_for, alice, case, persona
):
    document = add_document(case, alice)
    client = client_for(request.getfixturevalue(persona))

    assert client.get(download_url(document)).status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/documents/").status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_document_is_only_found_under_its_own_case(client_for, alice, case, llr):
    document = add_document(case, alice)
    other = CaseFactory(area=llr)

    response = client_for(alice).get(
        f"/staff/cases/{other.reference}/documents/{document.pk}/download/"
    )

    assert response.status_code == 404


def test_the_documents_page_lists_documents_and_is_audited_as_a_read_of_the_case(
    client_for, alice, case
):
    add_document(case, alice, title="Letter from the coroner")

    response = client_for(alice).get(f"/staff/cases/{case.reference}/documents/")

    page = response.content.decode()
    assert "Letter from the coroner" in page
    assert "Post-mortem report" in page
    assert 'enctype="multipart/form-data"' in page
    assert LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.ACCESS).count() == 1


def test_the_case_page_shows_the_documents_section_with_the_upload_form(client_for, alice, case):
    add_document(case, alice, title="Agency report from school")

    page = (
        client_for(alice).get(f"/staff/cases/{case.reference}/section/documents/").content.decode()
    )

    assert 'id="documents"' in page
    assert "Agency report from school" in page
    assert "Add a document" in page
    assert 'class="govuk-file-upload"' in page


# --- Withdrawal -------------------------------------------------------------------------


def withdraw_url(document):
    return f"/staff/cases/{document.case.reference}/documents/{document.pk}/withdraw/"


def test_alice_withdraws_a_document_with_a_reason_and_it_can_no_longer_be_downloaded(
    client_for, alice, case
):
    document = add_document(case, alice)
    client = client_for(alice)

    response = client.post(withdraw_url(document), {"reason": "Uploaded to the wrong case"})

    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.withdrawn_by, document.withdrawn_reason) == (
        alice,
        "Uploaded to the wrong case",
    )
    assert client.get(download_url(document)).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()  # kept for the record
    change = LogEntry.objects.get_for_object(document).get(action=LogEntry.Action.UPDATE)
    assert change.actor == alice


def test_withdrawing_needs_a_reason(client_for, alice, case):
    document = add_document(case, alice)

    response = client_for(alice).post(withdraw_url(document), {"reason": "  "})

    assert response.status_code == 400
    assert "Enter why the document is being withdrawn" in response.content.decode()
    document.refresh_from_db()
    assert document.withdrawn_at is None


def test_kim_may_add_documents_but_not_withdraw_them(client_for, alice, kim, llr):
    case = CaseFactory(area=llr, key_worker=kim)
    document = add_document(case, alice)

    response = client_for(kim).post(withdraw_url(document), {"reason": "Wrong"})

    assert response.status_code == 403
    document.refresh_from_db()
    assert document.withdrawn_at is None


def test_withdrawing_twice_is_refused(alice, case):
    document = add_document(case, alice)
    document_withdraw(document=document, by=alice, reason="Duplicate")

    from cdop.core.errors import DomainError

    with pytest.raises(DomainError):
        document_withdraw(document=document, by=alice, reason="Again")
