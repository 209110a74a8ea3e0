"""The demo actions load once, in four statuses, one of them overdue."""

from __future__ import annotations

from io import StringIO

import pytest

from cdop.actions.demo import load_demo
from cdop.actions.models import Action
from cdop.cases.workflow import Status
from cdop.core.tests.factories import UserFactory
from cdop.investigations.tests.helpers import opened_case

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_with_one_overdue_action(llr) -> None:
    UserFactory(email="manager@demo.invalid")
    opened_case(area=llr, status=Status.PANEL_REVIEWED)
    opened_case(area=llr, status=Status.FINALISED)

    load_demo(stdout=StringIO())
    load_demo(stdout=StringIO())

    actions = list(Action.objects.all())
    assert len(actions) == 4
    assert {a.status for a in actions} == {"open", "in_progress", "done", "dropped"}
    assert sum(a.is_overdue for a in actions) == 1
    assert all(a.due_on for a in actions)


def test_the_demo_adds_nothing_without_reviewed_cases(llr) -> None:
    UserFactory(email="manager@demo.invalid")
    out = StringIO()

    load_demo(stdout=out)

    assert not Action.objects.exists()
    assert "nothing added" in out.getvalue()
