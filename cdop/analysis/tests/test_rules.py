"""The rules of the Analysis Form, one by one, as plain functions."""

from __future__ import annotations

import pytest

from cdop.analysis.rules import (
    AnalysisDraft,
    FactorDraft,
    analysis_contradictions,
    analysis_missing,
)
from cdop.analysis.tests.factories import category, domain

pytestmark = pytest.mark.django_db


def complete(**changes) -> AnalysisDraft:  # type: ignore[no-untyped-def]
    values = {
        "modifiable": "no",
        "category": category("perinatal_neonatal"),
        "cause_of_death": "Extreme prematurity (23 weeks)",
        "learning_points": "",
        "expectedness": "expected",
        "factors": [FactorDraft(domain_id=domain(1).pk, description="Born at 23 weeks", grade=2)],
    }
    values.update(changes)
    return AnalysisDraft(**values)


def fields(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.field for p in problems]


def test_a_complete_analysis_breaks_no_rule():
    draft = complete()

    assert analysis_contradictions(draft) == []
    assert analysis_missing(draft) == []


def test_a_factor_graded_2_that_is_not_modifiable_allows_the_answer_no():
    # A contributing factor (prematurity) is not necessarily one anyone could have modified.
    assert analysis_contradictions(complete(modifiable="no")) == []


def test_modifiable_yes_needs_a_factor_graded_2_named_as_modifiable():
    problems = analysis_contradictions(complete(modifiable="yes"))

    assert fields(problems) == ["modifiable"]
    assert "name at least one" in problems[0].message


def test_modifiable_yes_with_no_factors_at_all_is_a_contradiction():
    assert fields(analysis_contradictions(complete(modifiable="yes", factors=[]))) == ["modifiable"]


def test_a_factor_named_modifiable_means_the_answer_cannot_be_no_or_insufficient():
    named = [FactorDraft(domain_id=domain(4).pk, description="Delay", grade=2, modifiable=True)]

    for answer in ("no", "insufficient"):
        problems = analysis_contradictions(complete(modifiable=answer, factors=named))
        assert fields(problems) == ["modifiable"]
        assert "cannot be" in problems[0].message
    assert analysis_contradictions(complete(modifiable="yes", factors=named)) == []


def test_only_a_factor_graded_2_can_be_modifiable():
    named = [FactorDraft(domain_id=domain(4).pk, description="Delay", grade=1, modifiable=True)]

    assert "factors" in fields(analysis_contradictions(complete(modifiable="yes", factors=named)))


def test_a_grade_outside_0_1_2_is_refused():
    graded_3 = [FactorDraft(domain_id=domain(1).pk, description="x", grade=3)]

    assert "Grade each factor 0, 1 or 2" in [
        p.message for p in analysis_contradictions(complete(factors=graded_3))
    ]


def test_a_sudden_unexplained_death_cannot_be_one_the_panel_agreed_was_expected():
    draft = complete(category=category("sudden_unexpected_unexplained"), expectedness="expected")

    assert fields(analysis_contradictions(draft)) == ["category"]
    draft.expectedness = "unexpected"
    assert analysis_contradictions(draft) == []


def test_an_empty_draft_is_no_contradiction_but_lacks_everything_the_data_set_needs():
    draft = AnalysisDraft()

    assert analysis_contradictions(draft) == []
    assert fields(analysis_missing(draft)) == [
        "factors",
        "modifiable",
        "category",
        "cause_of_death",
        "expectedness",
    ]


def test_a_category_needs_a_cause_of_death_and_modifiable_factors_need_learning_points():
    named = [FactorDraft(domain_id=domain(4).pk, description="Delay", grade=2, modifiable=True)]

    missing = analysis_missing(complete(cause_of_death=" ", modifiable="yes", factors=named))

    assert fields(missing) == ["cause_of_death", "learning_points"]
