"""The demo tags the reviewed demo cases once, turns the public page on, and approves one
theme's words."""

from __future__ import annotations

from io import StringIO

import pytest
from django.test import Client

from cdop.accounts.models import Role
from cdop.analysis.tests.factories import category, complete_analysis
from cdop.cases.workflow import Status
from cdop.core.tests.factories import MembershipFactory, UserFactory
from cdop.investigations.tests.helpers import opened_case
from cdop.learning.demo import demo_learning
from cdop.learning.models import CaseTheme, PublicLearning

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_its_words_are_public(llr) -> None:
    manager = UserFactory(email="manager@demo.invalid")
    MembershipFactory(user=manager, area=llr, role=Role.CDR_MANAGER)
    sudi = opened_case(area=llr, status=Status.FINALISED)
    complete_analysis(case=sudi, by=manager, category=category("sudden_unexpected_unexplained"))
    for _ in range(3):
        opened_case(area=llr, status=Status.PANEL_REVIEWED)
    opened_case(area=llr, status=Status.AWAITING_PANEL)  # not reviewed: not tagged

    demo_learning(StringIO())
    out = StringIO()
    demo_learning(out)

    assert "already loaded" in out.getvalue()
    assert CaseTheme.objects.filter(case=sudi, theme__slug="safe-sleep").exists()
    assert CaseTheme.objects.values("case").distinct().count() == 4
    assert PublicLearning.objects.get(theme__slug="safe-sleep").published
    assert "Safer sleep advice is usually given" in Client().get("/llr/learning/").text


def test_the_demo_adds_nothing_without_a_manager(llr) -> None:
    out = StringIO()

    demo_learning(out)

    assert "nothing added" in out.getvalue()
    assert not CaseTheme.objects.exists()
