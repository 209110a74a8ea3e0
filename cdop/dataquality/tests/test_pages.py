"""The data-quality pages: a case's issues, and the area's cases worst first. For the area's
case readers only; everyone else gets the 404 of a page that does not exist."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from cdop.cases.models import Case
from cdop.core.tests.factories import CaseFactory
from cdop.dataquality.models import CaseQualityIssue, CaseQualityScore
from cdop.dataquality.services import quality_refresh
from cdop.dataquality.tests.helpers import BREAKERS, clean_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(llr, alice):  # type: ignore[no-untyped-def]
    return clean_case(area=llr, by=alice)


def _case_url(case: Case) -> str:
    return f"/staff/cases/{case.reference}/data-quality/"


@pytest.mark.parametrize("persona", ["alice", "ada", "devi"])
def test_the_areas_case_readers_see_a_cases_issues_with_where_to_fix_them(
    case, client_for, request, persona
):
    BREAKERS["expected_with_jar"](case)
    client = client_for(request.getfixturevalue(persona))

    response = client.get(_case_url(case))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Expected death with a Joint Agency Response" in body
    assert f'href="/staff/cases/{case.reference}/section/tasks/"' in body
    assert "Problems" in body
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(case.pk), actor__email__startswith=persona
    ).exists()
    # Opening it keeps the score for the area's page.
    assert CaseQualityScore.objects.get(case=case).errors == 2
    assert CaseQualityIssue.objects.filter(case=case, rule="expected_with_jar").exists()


@pytest.mark.parametrize("persona", ["chris", "pat", "kim", "olu"])
def test_nobody_else_reaches_the_data_quality_pages(case, client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(_case_url(case)).status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/section/data-quality/").status_code == 404
    assert client.get("/staff/data-quality/llr/").status_code == 404
    assert client.post("/staff/data-quality/llr/check-again/").status_code == 404
    index = client.get("/staff/data-quality/")
    if persona == "olu":
        assert index["Location"] == "/staff/data-quality/demo-shire/"
    else:
        assert index.status_code == 404


def test_the_key_worker_of_the_case_still_does_not_see_its_data_quality(case, client_for, kim):
    Case.objects.filter(pk=case.pk).update(key_worker=kim)

    assert client_for(kim).get(_case_url(case)).status_code == 404


def test_another_areas_case_is_not_found(other_area, alice, client_for):
    elsewhere = clean_case(area=other_area, by=alice)

    assert client_for(alice).get(_case_url(elsewhere)).status_code == 404
    assert client_for(alice).get("/staff/data-quality/demo-shire/").status_code == 404


def test_the_case_section_shows_the_score_among_the_parts_of_the_case(case, client_for, alice):
    BREAKERS["postcode_missing"](case)
    client = client_for(alice)

    section = client.get(f"/staff/cases/{case.reference}/section/data-quality/")
    overview = client.get(f"/staff/cases/{case.reference}/")

    assert section.status_code == 200
    assert "Postcode of the child&#x27;s home missing" in section.content.decode()
    assert f"/staff/cases/{case.reference}/section/data-quality/" in overview.content.decode()


def test_a_clean_case_says_there_is_nothing_to_fix(case, client_for, alice):
    body = client_for(alice).get(_case_url(case)).content.decode()

    assert "Nothing to fix" in body
    assert "100%" in body


def test_the_index_leads_a_one_area_user_to_their_area(client_for, alice):
    response = client_for(alice).get("/staff/data-quality/")

    assert response["Location"] == "/staff/data-quality/llr/"


def test_the_area_page_lists_cases_worst_first_with_the_common_problems(llr, alice, client_for):
    good = clean_case(area=llr, by=alice)
    bad = clean_case(area=llr, by=alice)
    BREAKERS["expected_with_jar"](bad)
    BREAKERS["postcode_missing"](bad)
    warned = clean_case(area=llr, by=alice)
    BREAKERS["ethnicity_not_known"](warned)
    quality_refresh(area=llr)

    response = client_for(alice).get("/staff/data-quality/llr/")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.reference for r in rows] == [bad.reference, warned.reference, good.reference]
    assert [r.quality.tag for r in rows] == ["problems", "attention", "good"]
    summary = response.context["summary"]
    assert summary.cases == 3
    assert summary.with_errors == 1
    assert summary.with_warnings_only == 1
    assert summary.good == 1
    assert summary.contradictions == 2
    counts = {c.rule.id: c.cases for c in summary.by_rule}
    assert counts == {
        "expected_with_jar": 1,
        "analysis_expectedness_disagrees": 1,
        "postcode_missing": 1,
        "ethnicity_not_known": 1,
    }


def test_the_area_page_filters_by_stage_problem_and_errors_only(llr, alice, client_for):
    bad = clean_case(area=llr, by=alice)
    BREAKERS["postcode_missing"](bad)
    early = clean_case(area=llr, by=alice, status="information_gathering", finalised_at=None)
    BREAKERS["ethnicity_not_known"](early)
    quality_refresh(area=llr)
    client = client_for(alice)

    def refs(query: str) -> list[str]:
        response = client.get(f"/staff/data-quality/llr/?{query}")
        assert response.status_code == 200
        return [r.reference for r in response.context["rows"]]

    assert refs("problems=on") == [bad.reference]
    assert refs("status=information_gathering") == [early.reference]
    assert refs("rule=ethnicity_not_known") == [early.reference]
    assert refs("rule=postcode_missing&status=information_gathering") == []


@pytest.mark.parametrize(
    "query", ["status=nonsense", "rule=%00", "status=" + "x" * 5000, "rule=merged&status=merged"]
)
def test_a_filter_not_on_the_list_is_a_clear_400(llr, alice, client_for, case, query):
    quality_refresh(area=llr)

    response = client_for(alice).get(f"/staff/data-quality/llr/?{query}")

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert len(response.context["rows"]) == 1  # every case, unfiltered


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999999", "1e9", "²"])
def test_a_page_number_out_of_range_falls_back_to_a_real_page(llr, alice, client_for, case, page):
    response = client_for(alice).get(f"/staff/data-quality/llr/?page={page}")

    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_an_unknown_area_is_not_found(alice, client_for):
    assert client_for(alice).get("/staff/data-quality/nowhere/").status_code == 404


def test_a_case_not_checked_yet_is_listed_first_as_not_checked(llr, alice, client_for, case):
    quality_refresh(area=llr)
    new = CaseFactory(area=llr)

    response = client_for(alice).get("/staff/data-quality/llr/")

    first = response.context["rows"][0]
    assert first.reference == new.reference
    assert first.quality is None
    assert "Not checked yet" in response.content.decode()


def test_the_area_pages_queries_do_not_grow_with_its_cases(
    llr, alice, client_for, django_assert_max_num_queries
):
    client = client_for(alice)
    for _ in range(2):
        BREAKERS["postcode_missing"](clean_case(area=llr, by=alice))
    quality_refresh(area=llr)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/staff/data-quality/llr/").status_code == 200
    for _ in range(55):
        CaseFactory(area=llr, child_postcode="")
    quality_refresh(area=llr)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/staff/data-quality/llr/")
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 2


def test_check_again_rechecks_every_case(
    llr, alice, client_for, case, django_capture_on_commit_callbacks
):
    BREAKERS["postcode_missing"](case)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post("/staff/data-quality/llr/check-again/")

    assert response.status_code == 302
    assert CaseQualityScore.objects.get(case=case).errors == 1  # the test worker runs at once


def test_the_refresh_command_checks_every_case_and_forgets_those_out_of_scope(llr, alice, case):
    other = clean_case(area=llr, by=alice)
    call_command("dataquality_refresh")
    assert CaseQualityScore.objects.filter(case__in=[case, other]).count() == 2

    Case.objects.filter(pk=other.pk).update(status="out_of_scope")
    call_command("dataquality_refresh", area="llr")

    assert list(CaseQualityScore.objects.values_list("case_id", flat=True)) == [case.pk]


def test_the_refresh_command_refuses_an_unknown_area(db):
    with pytest.raises(CommandError, match="no area"):
        call_command("dataquality_refresh", area="nowhere")


def test_the_demo_checks_every_case_and_can_run_again(llr, alice, case):
    import io

    from cdop.dataquality.demo import demo_dataquality

    out = io.StringIO()
    demo_dataquality(out)
    demo_dataquality(out)

    assert CaseQualityScore.objects.filter(case=case).count() == 1
    assert "1 case checked" in out.getvalue()


def test_a_change_anywhere_the_rules_read_rechecks_the_case_after_the_commit(
    llr, alice, case, django_capture_on_commit_callbacks
):
    from cdop.analysis.models import Analysis, Factor
    from cdop.notifications.models import Notification

    quality_refresh(area=llr)
    assert CaseQualityScore.objects.get(case=case).errors == 0

    with django_capture_on_commit_callbacks(execute=True):
        notification = Notification.objects.get(case=case)
        notification.gp_practice = ""
        notification.save()
    assert CaseQualityIssue.objects.filter(case=case, rule="gp_practice_missing").exists()

    with django_capture_on_commit_callbacks(execute=True):
        factor = Factor.objects.get(analysis__case=case)
        factor.modifiable = False
        factor.save()
    assert CaseQualityIssue.objects.filter(case=case, rule="modifiable_without_factor").exists()

    with django_capture_on_commit_callbacks(execute=True):
        Analysis.objects.get(case=case).delete()
    assert set(CaseQualityIssue.objects.filter(case=case).values_list("rule", flat=True)) == {
        "gp_practice_missing",
        "analysis_missing",
        "finalised_without_analysis",
    }

    # Closed as out of scope, the case leaves the area's page and its counts.
    with django_capture_on_commit_callbacks(execute=True):
        case.refresh_from_db()
        case.status = "out_of_scope"
        case.save()
    assert not CaseQualityScore.objects.filter(case=case).exists()
    assert not CaseQualityIssue.objects.filter(case=case).exists()


def test_the_finalise_warning_summarises_the_issues_and_links_them(case):
    from django.template.loader import render_to_string

    from cdop.dataquality.selectors import case_quality

    BREAKERS["postcode_missing"](case)
    BREAKERS["ethnicity_not_known"](case)
    quality = case_quality(case)

    linked = render_to_string(
        "dataquality/_finalise_warning.html", {"quality": quality, "case": case, "link": True}
    )
    unlinked = render_to_string(
        "dataquality/_finalise_warning.html", {"quality": quality, "case": case}
    )

    assert "1 error and 1 warning" in linked
    assert "Postcode of the child" in linked
    assert f"/staff/cases/{case.reference}/data-quality/" in linked
    assert "/data-quality/" not in unlinked
