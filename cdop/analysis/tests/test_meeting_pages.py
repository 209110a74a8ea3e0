"""The Analysis Form from a meeting's agenda item: the chair records it and finalises,
without ever seeing who the child was."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cdop.analysis.models import Analysis
from cdop.analysis.tests.factories import (
    AgendaItemFactory,
    InviteeFactory,
    MeetingFactory,
    complete_analysis,
    reviewed_case,
)
from cdop.analysis.tests.test_case_pages import posted
from cdop.cases.models import CaseTransition
from cdop.cases.workflow import Status


@pytest.fixture
def meeting(llr, alice, chris, pat):  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(area=llr, created_by=alice, title="LLR panel, March")
    InviteeFactory(meeting=meeting, user=chris, name="Chris Chair", sector="chair")
    InviteeFactory(meeting=meeting, user=pat, name="Pat Member", sector="police")
    return meeting


@pytest.fixture
def item(meeting, llr):  # type: ignore[no-untyped-def]
    case = reviewed_case(area=llr, child_first_name="Zebedee", child_last_name="Quorndon")
    return AgendaItemFactory(meeting=meeting, case=case, position=3)


def url(item: Any, name: str = "detail") -> str:
    return reverse(
        f"analysis_meeting:{name}", kwargs={"meeting_id": item.meeting_id, "item_id": item.pk}
    )


def test_the_chair_records_the_analysis_from_the_meeting_under_the_items_label_only(
    item, client_for, chris
):
    client = client_for(chris)

    form = client.get(url(item, "edit"))
    saved = client.post(url(item, "edit"), posted())
    page = client.get(url(item))

    assert form.status_code == 200
    assert "Analysis Form: Case 3: boy aged" in form.text
    for identifier in ("Zebedee", "Quorndon", item.case.reference, item.case.child_nhs_number):
        assert identifier not in form.text
        assert identifier not in page.text
    assert saved.status_code == 302
    assert saved["Location"] == url(item)
    analysis = Analysis.objects.get(case=item.case)
    assert (analysis.status, analysis.updated_by) == ("complete", chris)
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE, actor=chris).exists()


def test_a_panel_member_reads_the_analysis_but_cannot_change_it_or_finalise(
    item, client_for, pat, alice
):
    complete_analysis(case=item.case, by=alice)
    client = client_for(pat)

    page = client.get(url(item))

    assert page.status_code == 200
    assert "Meningococcal septicaemia" in page.text
    assert url(item, "edit") not in page.text
    assert url(item, "finalise") not in page.text
    assert client.get(url(item, "edit")).status_code == 404
    assert client.post(url(item, "edit"), posted()).status_code == 404
    assert client.post(url(item, "finalise")).status_code == 404
    assert item.case.transitions.count() == 0


def test_someone_not_invited_from_another_area_or_with_no_role_gets_404(item, client_for, olu, kim):
    for user in (olu, kim):
        client = client_for(user)
        assert client.get(url(item)).status_code == 404
        assert client.get(url(item, "edit")).status_code == 404
        assert client.post(url(item, "finalise")).status_code == 404


def test_an_item_of_another_meeting_is_404(item, meeting, llr, alice, client_for, chris):
    other = MeetingFactory(area=llr, created_by=alice)
    wrong = reverse("analysis_meeting:detail", kwargs={"meeting_id": other.pk, "item_id": item.pk})

    assert client_for(chris).get(wrong).status_code == 404


def test_an_invalid_analysis_from_the_meeting_is_refused_with_the_same_messages(
    item, client_for, chris
):
    data = posted(**{"d4-lines": "0"})

    response = client_for(chris).post(url(item, "edit"), data)

    assert response.status_code == 400
    assert "You answered “Yes” to modifiable factors" in response.text
    assert not Analysis.objects.exists()


def test_the_chair_finalises_a_complete_analysis_and_the_case_is_locked(
    item, client_for, chris, alice
):
    complete_analysis(case=item.case, by=alice)
    client = client_for(chris)
    assert url(item, "finalise") in client.get(url(item)).text

    response = client.post(url(item, "finalise"))

    assert response.status_code == 302
    item.case.refresh_from_db()
    assert item.case.status == Status.FINALISED
    assert item.case.finalised_at is not None
    logged = CaseTransition.objects.get(case=item.case, name="case_finalise")
    assert (logged.by, logged.from_status) == (chris, Status.PANEL_REVIEWED)
    assert "LLR panel, March" in logged.reason
    page = client.get(url(item)).text
    assert "This review is finalised. To change it, reopen it." in page
    assert url(item, "edit") not in page
    assert client.post(url(item, "edit"), posted()).status_code == 409


def test_finalising_an_incomplete_analysis_is_refused_with_what_is_missing(
    item, client_for, chris, alice
):
    complete_analysis(case=item.case, by=alice, category=None, status="draft", completed_at=None)

    response = client_for(chris).post(url(item, "finalise"))

    assert response.status_code == 400
    assert "Choose the category of death" in response.text
    item.case.refresh_from_db()
    assert item.case.status == Status.PANEL_REVIEWED


def test_there_is_no_finalise_button_before_the_panel_has_reviewed_the_case(
    item, client_for, chris, alice
):
    item.case.status = Status.AWAITING_PANEL
    item.case.save()
    complete_analysis(case=item.case, by=alice)

    page = client_for(chris).get(url(item)).text

    assert url(item, "finalise") not in page


def test_the_chair_of_a_cancelled_meeting_can_neither_record_nor_finalise(
    item, meeting, client_for, chris, alice
):
    complete_analysis(case=item.case, by=alice)
    meeting.status = "cancelled"
    meeting.cancelled_at = meeting.starts_at
    meeting.save()
    client = client_for(chris)

    page = client.get(url(item)).text
    refused = client.post(url(item, "finalise"))

    assert url(item, "edit") not in page
    assert refused.status_code == 404
    assert client.get(url(item, "edit")).status_code == 404
    assert client.post(url(item, "edit"), posted(seen=None)).status_code == 404
