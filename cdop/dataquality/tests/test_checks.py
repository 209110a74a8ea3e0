"""Each rule fires on a case made to break it, and none fires on a clean case; the score's
arithmetic; rules that wait for their stage."""

from __future__ import annotations

import datetime

import pytest

from cdop.analysis.models import Analysis
from cdop.cases.models import Case, Expectedness
from cdop.cases.workflow import Status
from cdop.dataquality.checks import RULES, RULES_BY_ID, Kind, Severity
from cdop.dataquality.selectors import CaseQuality, case_quality
from cdop.dataquality.tests.helpers import BREAKERS, clean_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(llr, alice):  # type: ignore[no-untyped-def]
    return clean_case(area=llr, by=alice)


def _ids(case: Case) -> set[str]:
    return {issue.rule.id for issue in case_quality(Case.objects.get(pk=case.pk)).issues}


def test_a_clean_case_has_nothing_to_fix(case):
    quality = case_quality(case)

    assert quality.issues == []
    assert quality.completeness == 100
    assert quality.required_applicable == len([r for r in RULES if r.kind == Kind.MISSING])
    assert quality.tag == "good"


def test_every_rule_has_a_case_that_breaks_it():
    assert set(BREAKERS) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule_id", list(BREAKERS))
def test_each_rule_fires_on_the_case_made_to_break_it(case, rule_id):
    BREAKERS[rule_id](case)

    fired = _ids(case)

    assert rule_id in fired
    rule = RULES_BY_ID[rule_id]
    # Every issue names where to fix it, on the case's own pages.
    issue = next(i for i in case_quality(case).issues if i.rule.id == rule_id)
    assert issue.fix_url == f"/staff/cases/{case.reference}/section/{rule.section}/"
    assert rule.message.endswith(".")


def test_severity_follows_the_kind_of_problem():
    assert RULES_BY_ID["postcode_missing"].severity == Severity.ERROR
    assert RULES_BY_ID["ethnicity_not_known"].severity == Severity.WARNING
    assert RULES_BY_ID["expected_with_jar"].severity == Severity.ERROR


def test_the_analysis_is_not_missing_before_the_panel(llr, alice):
    case = clean_case(area=llr, by=alice, status=Status.INFORMATION_GATHERING, finalised_at=None)
    Analysis.objects.filter(case=case).delete()
    case.refresh_from_db()

    fired = _ids(case)

    assert "analysis_missing" not in fired
    assert "finalised_without_analysis" not in fired
    # Nor can the Reporting Forms be missing while they are still being gathered.
    assert "reporting_form_missing" not in fired


def test_expectedness_not_known_is_a_warning_early_and_an_error_after_the_meeting(llr, alice):
    early = clean_case(
        area=llr,
        by=alice,
        status=Status.NOTIFIED,
        finalised_at=None,
        expectedness=Expectedness.NOT_KNOWN,
    )
    assert not {"expectedness_not_known", "expectedness_undecided"} & _ids(early)
    Case.objects.filter(pk=early.pk).update(status=Status.AWAITING_CDRM)
    assert "expectedness_not_known" in _ids(early)
    Case.objects.filter(pk=early.pk).update(status=Status.CDRM_HELD)
    assert {"expectedness_undecided"} <= _ids(early)
    assert "expectedness_not_known" not in _ids(early)


def test_eighteen_is_counted_to_the_day(case):
    Case.objects.filter(pk=case.pk).update(child_date_of_birth=datetime.date(2008, 10, 2))
    assert "age_18_or_over" not in _ids(case)  # a day short of 18
    Case.objects.filter(pk=case.pk).update(child_date_of_birth=datetime.date(2008, 10, 1))
    assert "age_18_or_over" in _ids(case)


def test_a_reporting_form_answer_not_known_names_the_question(case):
    BREAKERS["reporting_form_not_known"](case)

    issue = next(i for i in case_quality(case).issues if i.rule.id == "reporting_form_not_known")

    assert len(issue.details) == 1
    assert "Reporting Form" in issue.details[0] or "weight" in issue.details[0].lower()


def test_completeness_is_required_items_present_of_those_that_apply(case):
    BREAKERS["postcode_missing"](case)
    BREAKERS["gp_practice_missing"](case)

    quality = case_quality(case)

    applicable = quality.required_applicable
    assert quality.required_missing == 2
    assert quality.required_present == applicable - 2
    assert quality.completeness == (applicable - 2) * 100 // applicable
    assert quality.error_count == 2
    assert quality.contradictions == 0
    assert quality.tag == "problems"


def test_warnings_alone_need_attention_and_contradictions_are_counted(case):
    BREAKERS["ethnicity_not_known"](case)
    assert case_quality(case).tag == "attention"
    assert case_quality(case).completeness == 100

    BREAKERS["expected_with_jar"](case)
    quality = case_quality(case)
    # Expected with a JAR, and the panel's "unexpected" now disagrees with the case.
    assert quality.contradictions == 2
    assert quality.tag == "problems"


def test_score_arithmetic_with_nothing_applicable():
    assert CaseQuality().completeness == 100
    assert CaseQuality(required_applicable=3, required_missing=1).completeness == 66
    assert CaseQuality(required_applicable=3, required_missing=3).completeness == 0


def test_case_quality_is_one_query(case, django_assert_num_queries):
    with django_assert_num_queries(1):
        case_quality(case)
