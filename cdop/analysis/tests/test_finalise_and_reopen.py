"""Finalising needs a complete analysis and locks the record; reopening is an audited
amendment that marks the case for re-sending to NCMD."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.http import Http404
from django.test import RequestFactory

from cdop.accounts import permissions
from cdop.analysis.blockers import analysis_blockers
from cdop.analysis.sections import analysis_section_context
from cdop.analysis.tests.factories import complete_analysis, reviewed_case
from cdop.cases.blockers import case_blockers
from cdop.cases.models import CaseTransition
from cdop.cases.services import case_finalise, case_reopen
from cdop.cases.workflow import Status
from cdop.chronology.registry import chronology_for_case
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory


@pytest.fixture
def case(llr):  # type: ignore[no-untyped-def]
    return reviewed_case(area=llr)


def transition_url(case, name: str) -> str:  # type: ignore[no-untyped-def]
    return f"/staff/cases/{case.reference}/transition/{name}/"


# --- The blocker ----------------------------------------------------------------------------


def test_a_reviewed_case_without_an_analysis_cannot_be_finalised(case, alice):
    with pytest.raises(DomainError) as refused:
        case_finalise(case=case, by=alice)

    assert "the panel's Analysis Form has not been started" in refused.value.message
    case.refresh_from_db()
    assert case.status == Status.PANEL_REVIEWED
    assert not CaseTransition.objects.filter(name="case_finalise").exists()


def test_a_draft_analysis_blocks_finalising_and_the_message_says_what_is_missing(
    case, client_for, alice
):
    complete_analysis(
        case=case, by=alice, status="draft", completed_at=None, category=None, expectedness=""
    )

    response = client_for(alice).post(transition_url(case, "case_finalise"), {"reason": ""})

    assert response.status_code == 400
    assert "The Analysis Form is not complete" in response.text
    assert "choose the category of death" in response.text
    assert "say whether the panel agreed the death was expected or unexpected" in response.text
    case.refresh_from_db()
    assert case.status == Status.PANEL_REVIEWED


def test_a_complete_analysis_lets_the_manager_finalise_from_the_case_page(case, client_for, alice):
    complete_analysis(case=case, by=alice)
    assert case_blockers(case.pk) == []

    response = client_for(alice).post(transition_url(case, "case_finalise"), {"reason": ""})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.ncmd_resend_needed) == (Status.FINALISED, False)
    assert CaseTransition.objects.get(case=case, name="case_finalise").by == alice


def test_only_reviewed_cases_are_held_up_by_their_analysis(llr):
    early = CaseFactory(area=llr, status=Status.AWAITING_PANEL)

    assert analysis_blockers([early.pk]) == {}


def test_the_blockers_of_many_cases_take_a_fixed_number_of_queries(
    llr, alice, django_assert_num_queries
):
    cases = [reviewed_case(area=llr) for _ in range(5)]
    for c in cases[:3]:
        complete_analysis(case=c, by=alice, status="draft", completed_at=None)

    with django_assert_num_queries(3):
        found = analysis_blockers([c.pk for c in cases])

    assert len(found) == 5
    assert "mark it as complete" in found[cases[0].pk][0].reason


def test_the_analysis_page_offers_finalising_only_when_it_is_complete(
    case, client_for, alice, devi
):
    page = client_for(alice).get(f"/staff/cases/{case.reference}/analysis/").text
    assert transition_url(case, "case_finalise") not in page

    complete_analysis(case=case, by=devi)
    page = client_for(alice).get(f"/staff/cases/{case.reference}/analysis/").text

    assert transition_url(case, "case_finalise") in page


# --- The lock -------------------------------------------------------------------------------


def test_a_finalised_case_is_locked_for_everyone_who_worked_on_it(llr, alice, devi, kim):
    case = CaseFactory(area=llr, status=Status.FINALISED, key_worker=kim)

    assert permissions.case_is_locked(case)
    for user in (alice, devi, kim):
        assert permissions.can_view_case(user, case)
        assert not permissions.can_work_on_case(user, case)
        assert not permissions.can_edit_analysis(user, case)


def test_the_case_page_says_the_review_is_finalised_and_how_to_change_it(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.FINALISED)

    page = client_for(alice).get(f"/staff/cases/{case.reference}/").text

    assert "This review is finalised. To change it, reopen it." in page
    assert transition_url(case, "case_reopen") in page


# --- Reopening ------------------------------------------------------------------------------


def test_alice_reopens_a_finalised_review_with_a_reason_and_it_is_marked_for_ncmd(
    case, client_for, alice
):
    complete_analysis(case=case, by=alice)
    case_finalise(case=case, by=alice)
    client = client_for(alice)

    response = client.post(
        transition_url(case, "case_reopen"), {"reason": "The inquest found a new cause"}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.PANEL_REVIEWED
    assert case.finalised_at is None
    assert case.ncmd_resend_needed is True
    logged = CaseTransition.objects.get(case=case, name="case_reopen")
    assert (logged.by, logged.from_status, logged.to_status, logged.reason) == (
        alice,
        Status.FINALISED,
        Status.PANEL_REVIEWED,
        "The inquest found a new cause",
    )
    change = LogEntry.objects.get_for_object(case).filter(actor=alice).latest("timestamp")
    assert "ncmd_resend_needed" in change.changes_dict
    assert permissions.can_work_on_case(alice, case)
    page = client.get(f"/staff/cases/{case.reference}/").text
    assert "Re-send to NCMD" in page
    assert "This review is finalised" not in page


def test_reopening_needs_a_reason(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.FINALISED)

    response = client_for(alice).post(transition_url(case, "case_reopen"), {"reason": " "})

    assert response.status_code == 400
    assert "Enter why the finalised review needs to change" in response.text
    case.refresh_from_db()
    assert (case.status, case.ncmd_resend_needed) == (Status.FINALISED, False)


def test_a_designated_doctor_cannot_reopen_and_is_not_offered_it(llr, client_for, devi):
    case = CaseFactory(area=llr, status=Status.FINALISED)

    with pytest.raises(DomainError) as refused:
        case_reopen(case=case, by=devi, reason="Typo")
    page = client_for(devi).get(f"/staff/cases/{case.reference}/").text

    assert "Only an administrator or a CDR manager" in refused.value.message
    assert transition_url(case, "case_reopen") not in page
    case.refresh_from_db()
    assert case.status == Status.FINALISED


def test_someone_from_another_area_cannot_reopen(llr, olu, ada):
    case = CaseFactory(area=llr, status=Status.FINALISED)

    with pytest.raises(Http404):
        case_reopen(case=case, by=olu, reason="Not mine")
    reopened = case_reopen(case=case, by=ada, reason="Amend the cause of death")

    assert reopened.status == Status.PANEL_REVIEWED


def test_a_case_not_finalised_cannot_be_reopened(case, alice):
    with pytest.raises(DomainError):
        case_reopen(case=case, by=alice, reason="Why not")


# --- On the case page and the chronology ----------------------------------------------------


def test_the_case_page_shows_the_analysis_and_what_it_still_needs(case, client_for, alice):
    complete_analysis(case=case, by=alice, status="draft", completed_at=None, cause_of_death="")

    # Its own section page; the overview names what is missing as a blocker instead.
    page = client_for(alice).get(f"/staff/cases/{case.reference}/section/analysis/").text

    assert "Analysis Form" in page
    assert "Infection" in page
    assert "Enter the cause of death" in page
    assert f"/staff/cases/{case.reference}/analysis/edit/" in page


def test_the_case_section_takes_a_fixed_number_of_queries(case, alice, django_assert_num_queries):
    complete_analysis(case=case, by=alice)
    request = RequestFactory().get("/")
    request.user = alice
    permissions.roles_in_area(alice, case.area_id)

    with django_assert_num_queries(5):
        context = analysis_section_context(request, case)

    assert context is not None
    assert context["view"].is_complete


def test_the_chronology_shows_the_analysis_started_and_completed(case, alice):
    complete_analysis(case=case, by=alice)

    titles = [e.title for e in chronology_for_case(user=alice, case=case, kinds=["analysis"])]

    assert titles == ["Analysis Form started", "Analysis Form completed"]


def test_other_apps_pages_that_write_refuse_a_finalised_case(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.FINALISED)
    client = client_for(alice)

    send_link = client.get(f"/staff/cases/{case.reference}/family-voice/send/")

    assert send_link.status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 200


def test_the_case_page_leaves_the_form_out_until_the_meetings(llr, client_for, alice):
    early = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    later = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    client = client_for(alice)

    def section(case):
        return client.get(f"/staff/cases/{case.reference}/section/analysis/").text

    assert "Start the Analysis Form" not in section(early)
    assert "Start the Analysis Form" in section(later)


def test_the_manager_sees_the_cases_data_quality_issues_before_finalising(case, client_for, alice):
    """Finalising sends the case to NCMD as it is: the Analysis page lists what the national
    data set still lacks, beside the finalise button, with a link to fix each."""
    complete_analysis(case=case, by=alice)

    page = client_for(alice).get(f"/staff/cases/{case.reference}/analysis/").text

    assert "against the national data set" in page
    assert f'href="/staff/cases/{case.reference}/data-quality/"' in page
    assert "Finalise" in page
