from __future__ import annotations

from auditlog.models import LogEntry


def pdf_url(case, query=""):
    return f"/staff/cases/{case.reference}/chronology/pdf/" + (f"?{query}" if query else "")


def test_the_chronology_downloads_as_a_pdf_attachment(client_for, alice, story):
    response = client_for(alice).get(pdf_url(story))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="chronology-{story.reference}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_the_export_is_recorded_with_its_filters(client_for, alice, story, llr):
    client_for(alice).get(pdf_url(story, "kind=status&order=oldest"))

    export = LogEntry.objects.get_for_object(story).get(action=LogEntry.Action.ACCESS)
    assert export.actor == alice
    assert export.additional_data == {
        "area_id": llr.pk,
        "case": story.reference,
        "export": "chronology_pdf",
        "filters": {"kinds": ["status"], "date_from": "", "date_to": "", "order": "oldest"},
    }


def test_bad_filters_export_nothing_and_show_the_form(client_for, alice, story):
    response = client_for(alice).get(pdf_url(story, "date_from_day=40"))

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    exports = LogEntry.objects.filter(additional_data__export="chronology_pdf")
    assert not exports.exists()


def test_the_pdf_holds_the_entries(alice, story):
    from cdop.chronology.pdf import chronology_pdf
    from cdop.chronology.selectors import chronology_entries

    entries = chronology_entries(user=alice, case=story, kinds=["status"])
    html_entries = [e.title for e in entries]

    rows = [(e, "Status changes") for e in entries]
    pdf = chronology_pdf(case=story, rows=rows, filters_text=[], prepared_by="Alice")

    assert pdf.startswith(b"%PDF")
    assert html_entries == [
        "Status changed: Notified → Information gathering",
        "Case opened (notified)",
    ]
