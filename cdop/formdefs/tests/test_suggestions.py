from __future__ import annotations

import datetime

import pytest

from cdop.areas.models import Area
from cdop.cases.models import Case, Expectedness
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.formdefs.selectors import formdefs_suggested_for_case


def _case(
    llr: Area,
    *,
    age_days: int,
    expectedness: str = Expectedness.UNEXPECTED,
    place: str = "home",
    words: str = "Found unresponsive.",
) -> Case:
    death = datetime.date(2026, 10, 1)
    case = CaseFactory(
        area=llr,
        date_of_death=death,
        child_date_of_birth=death - datetime.timedelta(days=age_days),
        expectedness=expectedness,
    )
    NotificationFactory(area=llr, case=case, place_of_death=place, circumstances=words)
    return case


def _codes(case: Case) -> set[str]:
    return {d.code for d in formdefs_suggested_for_case(case=case)}


@pytest.mark.django_db
def test_it_suggests_sudi_and_the_neonatal_form_for_a_baby_found_unresponsive(llr: Area) -> None:
    assert _codes(_case(llr, age_days=10)) == {"sudi-sudic", "delivery-suite-neonatal"}


@pytest.mark.django_db
def test_it_suggests_the_neonatal_form_by_place_of_death_at_any_age(llr: Area) -> None:
    case = _case(llr, age_days=200, expectedness=Expectedness.EXPECTED, place="neonatal_unit")
    assert "delivery-suite-neonatal" in _codes(case)


@pytest.mark.django_db
def test_it_suggests_the_suicide_form_for_a_teenager_by_the_words_used(llr: Area) -> None:
    case = _case(llr, age_days=15 * 365, words="Believed to be suicide after self-harm.")
    assert _codes(case) == {"suicide-self-harm"}


@pytest.mark.django_db
def test_it_does_not_suggest_the_suicide_form_for_a_young_child(llr: Area) -> None:
    case = _case(llr, age_days=5 * 365, words="Suicide was ruled out.")
    assert "suicide-self-harm" not in _codes(case)


@pytest.mark.django_db
def test_it_matches_whole_words_so_care_is_not_a_car(llr: Area) -> None:
    case = _case(llr, age_days=3000, words="In foster care; cardiac arrest at home.")
    codes = _codes(case)
    assert "road-traffic-collision" not in codes
    assert "cardiac" in codes
    assert "road-traffic-collision" in _codes(
        _case(llr, age_days=3000, words="Hit by a car on the road.")
    )
