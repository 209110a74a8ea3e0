"""The Analysis Form from the case: who may read and change it, saving drafts and complete
analyses, invalid analyses refused with their reasons, lines added without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cdop.analysis.models import Analysis, Factor, Recommendation
from cdop.analysis.services import analysis_seen_token
from cdop.analysis.tests.factories import category, complete_analysis, domain, reviewed_case
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory


def url(case: Any, name: str = "detail") -> str:
    return reverse(f"analysis:{name}", kwargs={"reference": case.reference})


@pytest.fixture
def case(llr):  # type: ignore[no-untyped-def]
    return reviewed_case(area=llr)


def posted(**changes: Any) -> dict[str, Any]:
    """A whole, complete Analysis Form as the page posts it: one factor in domain 4."""
    data: dict[str, Any] = {
        "seen": "new",
        "d1-lines": "0",
        "d2-lines": "0",
        "d3-lines": "0",
        "d4-lines": "1",
        "d4-0-pk": "",
        "d4-0-description": "Sepsis not recognised at the first out-of-hours call",
        "d4-0-grade": "2",
        "d4-0-modifiable": "on",
        "rec-lines": "1",
        "rec-0-pk": "",
        "rec-0-text": "Out-of-hours service to audit its sepsis triage",
        "modifiable": "yes",
        "category": str(category("infection").pk),
        "cause_of_death": "Meningococcal septicaemia",
        "learning_points": "Safety-netting advice was not given.",
        "expectedness": "unexpected",
        "save": "complete",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- Who may see and change it --------------------------------------------------------------


@pytest.mark.parametrize("persona", ["olu", "chris", "pat"])
def test_anyone_who_may_not_read_the_case_gets_404_on_every_page(
    request, case, client_for, persona
):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url(case)).status_code == 404
    assert client.get(url(case, "edit")).status_code == 404
    assert client.post(url(case, "edit"), posted()).status_code == 404
    assert not Analysis.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(case, client):
    response = client.get(url(case, "edit"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_key_worker_reads_the_analysis_of_their_own_case_but_cannot_change_it(
    case, client_for, kim, alice
):
    case.key_worker = kim
    case.save()
    complete_analysis(case=case, by=alice)
    client = client_for(kim)

    page = client.get(url(case))

    assert page.status_code == 200
    assert "Meningococcal septicaemia" in page.text
    assert url(case, "edit") not in page.text
    assert client.get(url(case, "edit")).status_code == 404
    assert client.post(url(case, "edit"), posted()).status_code == 404


@pytest.mark.parametrize("persona", ["alice", "ada", "devi"])
def test_area_managers_administrators_and_doctors_may_change_it(request, case, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).post(url(case, "edit"), posted())

    assert response.status_code == 302
    assert Analysis.objects.get(case=case).status == Analysis.Status.COMPLETE


# --- Saving ---------------------------------------------------------------------------------


def test_the_empty_form_offers_one_line_in_each_domain_and_the_ten_categories(
    case, client_for, alice
):
    page = client_for(alice).get(url(case, "edit")).text

    for position in (1, 2, 3, 4):
        assert f'name="d{position}-0-description"' in page
    assert page.count('name="category"') == 10
    assert "the first that applies" in page
    assert "Answer “Yes” only if at least one factor is graded 2" in page


def test_alice_completes_the_analysis_and_every_row_is_written_and_audited(case, client_for, alice):
    response = client_for(alice).post(url(case, "edit"), posted())

    assert response.status_code == 302
    analysis = Analysis.objects.get(case=case)
    assert (analysis.status, analysis.modifiable, analysis.expectedness) == (
        "complete",
        "yes",
        "unexpected",
    )
    assert analysis.category == category("infection")
    assert (analysis.completed_by, analysis.created_by) == (alice, alice)
    factor = Factor.objects.get()
    assert (factor.domain, factor.grade, factor.modifiable) == (domain(4), 2, True)
    assert Recommendation.objects.get().text == "Out-of-hours service to audit its sepsis triage"
    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE, actor=alice)
    assert {e.content_type.model for e in created} >= {"analysis", "factor", "recommendation"}


def test_an_incomplete_draft_is_saved_as_a_draft(case, client_for, alice):
    response = client_for(alice).post(
        url(case, "edit"),
        posted(category="", cause_of_death="", modifiable="", save="draft"),
    )

    assert response.status_code == 302
    analysis = Analysis.objects.get(case=case)
    assert analysis.status == Analysis.Status.DRAFT
    assert analysis.category is None
    assert analysis.completed_at is None


def test_marking_an_incomplete_analysis_complete_says_what_is_missing_and_saves_nothing(
    case, client_for, alice
):
    response = client_for(alice).post(url(case, "edit"), posted(category="", cause_of_death=""))

    assert response.status_code == 400
    assert "The analysis is not complete yet" in response.text
    assert "Choose the category of death" in response.text
    assert "Enter the cause of death" in response.text
    assert "Sepsis not recognised at the first out-of-hours call" in response.text  # kept
    assert not Analysis.objects.exists()


def test_changing_a_saved_analysis_updates_its_lines_in_place(case, client_for, alice):
    analysis = complete_analysis(case=case, by=alice)
    factor = analysis.factors.get()
    recommendation = analysis.recommendations.get()

    response = client_for(alice).post(
        url(case, "edit"),
        posted(
            seen=analysis_seen_token(analysis),
            **{
                "d4-0-pk": str(factor.pk),
                "d4-0-description": "Delay in recognising sepsis",
                "rec-0-pk": str(recommendation.pk),
                "rec-0-text": "Audit sepsis triage, and report to the panel",
            },
        ),
    )

    assert response.status_code == 302
    assert Factor.objects.get().pk == factor.pk
    assert Factor.objects.get().description == "Delay in recognising sepsis"
    recommendation.refresh_from_db()
    assert recommendation.text == "Audit sepsis triage, and report to the panel"


def test_a_line_is_removed_by_ticking_remove(case, client_for, alice):
    analysis = complete_analysis(case=case, by=alice)
    factor = analysis.factors.get()
    rows = {
        "seen": analysis_seen_token(analysis),
        "d1-lines": "1",
        "d1-0-description": "Born at 24 weeks",
        "d1-0-grade": "1",
        "d4-0-pk": str(factor.pk),
        "d4-0-remove": "on",
        "modifiable": "no",
        "rec-lines": "0",
        "learning_points": "",
    }

    response = client_for(alice).post(url(case, "edit"), posted(**rows))

    assert response.status_code == 302
    assert list(Factor.objects.values_list("description", flat=True)) == ["Born at 24 weeks"]
    assert not Recommendation.objects.exists()


def test_a_save_over_someone_elses_later_save_is_refused_and_what_was_typed_stays(
    case, client_for, alice, devi
):
    analysis = complete_analysis(case=case, by=devi)
    stale = "2020-01-01T00:00:00+00:00"

    response = client_for(alice).post(
        url(case, "edit"), posted(seen=stale, cause_of_death="Typed by Alice")
    )

    assert response.status_code == 400
    assert "Someone else saved this Analysis Form" in response.text
    assert "Typed by Alice" in response.text
    analysis.refresh_from_db()
    assert analysis.cause_of_death == "Meningococcal septicaemia"


# --- Invalid analyses -----------------------------------------------------------------------


def refused(client: Any, case: Any, data: dict[str, Any], message: str) -> str:
    response = client.post(url(case, "edit"), data)
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert "There is a problem" in response.text
    assert not Analysis.objects.exists()
    assert not Factor.objects.exists()
    return str(response.text)


def test_modifiable_yes_with_no_factor_is_refused(case, client_for, alice):
    data = posted(**{"d4-lines": "0"}, save="draft")

    refused(client_for(alice), case, data, "You answered “Yes” to modifiable factors")


def test_modifiable_yes_with_only_factors_graded_0_or_1_is_refused(case, client_for, alice):
    data = posted(**{"d4-0-grade": "1", "d4-0-modifiable": None})

    refused(client_for(alice), case, data, "so name at least one")


def test_a_factor_named_modifiable_with_the_answer_no_is_refused(case, client_for, alice):
    data = posted(modifiable="no")

    refused(client_for(alice), case, data, "so the answer cannot be “No”")


def test_two_categories_are_refused(case, client_for, alice):
    data = posted()
    data["category"] = [str(category("infection").pk), str(category("malignancy").pk)]

    refused(client_for(alice), case, data, "Choose one category of death only")


def test_a_grade_of_3_is_refused(case, client_for, alice):
    data = posted(**{"d4-0-grade": "3"}, save="draft")

    refused(client_for(alice), case, data, "“3” is not a grade on the Analysis Form")


def test_a_factor_graded_1_cannot_be_named_modifiable(case, client_for, alice):
    data = posted(**{"d4-0-grade": "1"}, modifiable="insufficient", save="draft")

    refused(client_for(alice), case, data, "Only a factor graded 2 can be modifiable")


def test_a_factor_without_a_grade_or_a_grade_without_a_factor_is_refused(case, client_for, alice):
    client = client_for(alice)
    refused(client, case, posted(**{"d4-0-grade": ""}), "Choose a grade for this factor")
    refused(client, case, posted(**{"d4-0-description": ""}), "Describe the factor")


def test_a_sudden_unexplained_death_agreed_expected_is_refused(case, client_for, alice):
    data = posted(
        category=str(category("sudden_unexpected_unexplained").pk),
        expectedness="expected",
        save="draft",
    )

    refused(client_for(alice), case, data, "is for deaths the panel agreed were unexpected")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": "999999"}, "Choose a category of death from the list"),
        ({"modifiable": "maybe"}, "Choose “Yes”, “No” or “Insufficient information”"),
        ({"expectedness": "sometimes"}, "Choose “Expected” or “Unexpected”"),
        ({"d4-0-pk": "abc"}, "This line could not be read"),
        ({"d4-lines": "100000"}, "no more than 40 lines"),
    ],
)
def test_forged_answers_are_refused_with_a_clear_message(case, client_for, alice, changes, message):
    refused(client_for(alice), case, posted(**changes), message)


def test_a_category_from_another_version_of_the_list_is_refused(case, client_for, alice):
    from cdop.analysis.models import AnalysisFormVersion, CategoryOfDeath

    old = AnalysisFormVersion.objects.create(version=0, title="Old", introduced_on="2019-04-01")
    stale = CategoryOfDeath.objects.create(form_version=old, position=1, code="x", name="Old")

    refused(client_for(alice), case, posted(category=str(stale.pk)), "Choose a category")


def test_a_line_of_another_cases_analysis_cannot_be_changed_through_this_one(
    case, llr, client_for, alice
):
    other = complete_analysis(case=reviewed_case(area=llr), by=alice)
    theirs = other.factors.get()

    response = client_for(alice).post(
        url(case, "edit"), posted(**{"d4-0-pk": str(theirs.pk), "d4-0-description": "Hijack"})
    )

    assert response.status_code == 400
    assert "A factor on the page is not part of this analysis" in response.text
    theirs.refresh_from_db()
    assert theirs.description == "Delay in recognising sepsis out of hours"
    assert not Analysis.objects.filter(case=case).exists()


# --- Lines added without JavaScript ---------------------------------------------------------


def test_add_another_factor_shows_one_more_line_and_keeps_everything_typed_unsaved(
    case, client_for, alice
):
    data = posted(add="d2", cause_of_death="Typed, not yet saved", modifiable="yes")
    data["d4-lines"] = "1"

    response = client_for(alice).post(url(case, "edit"), data)

    assert response.status_code == 200
    page = response.text
    assert 'name="d2-0-description"' in page  # the new empty line
    assert 'name="d2-1-description"' not in page
    assert 'value="Sepsis not recognised at the first out-of-hours call"' in page
    assert "Typed, not yet saved" in page
    assert "Nothing is saved until you press" in page
    assert "There is a problem" not in page
    assert not Analysis.objects.exists()


def test_add_another_recommendation_shows_one_more_line(case, client_for, alice):
    response = client_for(alice).post(url(case, "edit"), posted(add="rec"))

    assert 'name="rec-1-text"' in response.text
    assert "Out-of-hours service to audit its sepsis triage" in response.text


# --- Reading it -----------------------------------------------------------------------------


def test_reading_the_analysis_is_audited(case, client_for, alice, devi):
    analysis = complete_analysis(case=case, by=alice)

    page = client_for(devi).get(url(case))

    assert page.status_code == 200
    assert "Infection" in page.text
    assert "Delay in recognising sepsis out of hours" in page.text
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, actor=devi, object_pk=str(analysis.pk)
    ).exists()


def test_a_finalised_review_cannot_be_changed_and_says_how_to_change_it(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.FINALISED)
    complete_analysis(case=case, by=alice)
    client = client_for(alice)

    page = client.get(url(case, "edit"))
    post = client.post(url(case, "edit"), posted(cause_of_death="Changed after finalising"))

    assert page.status_code == 200
    assert "This review is finalised. To change it, reopen it." in page.text
    assert post.status_code == 409
    assert Analysis.objects.get().cause_of_death == "Meningococcal septicaemia"
    assert "This review is finalised. To change it, reopen it." in client.get(url(case)).text


# --- The case's tab --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.NOTIFIED, Status.INFORMATION_GATHERING])
def test_before_the_review_meeting_the_case_has_no_analysis_tab_and_its_page_is_not_found(
    llr, client_for, alice, status
):
    case = CaseFactory(area=llr, status=status)
    client = client_for(alice)

    overview = client.get(f"/staff/cases/{case.reference}/").text

    assert "Analysis Form" not in overview
    assert f"/staff/cases/{case.reference}/section/analysis/" not in overview
    assert client.get(f"/staff/cases/{case.reference}/section/analysis/").status_code == 404


def test_from_the_review_meeting_on_the_tab_is_listed_and_opens(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.CDRM_HELD)
    client = client_for(alice)

    overview = client.get(f"/staff/cases/{case.reference}/").text

    assert f"/staff/cases/{case.reference}/section/analysis/" in overview
    assert client.get(f"/staff/cases/{case.reference}/section/analysis/").status_code == 200


def test_a_form_started_at_a_meeting_before_the_case_moved_on_has_its_tab(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    complete_analysis(case=case, by=alice, status="draft", completed_at=None)
    client = client_for(alice)

    overview = client.get(f"/staff/cases/{case.reference}/").text
    page = client.get(f"/staff/cases/{case.reference}/section/analysis/")

    assert f"/staff/cases/{case.reference}/section/analysis/" in overview
    assert page.status_code == 200
    assert "Infection" in page.text
