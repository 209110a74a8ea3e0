from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cdop.accounts.models import Role
from cdop.core.tests.factories import CaseFactory
from cdop.work.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_home_shows_my_overdue_tasks_and_links_my_work_and_team_work(llr, alice, client_for):
    case = CaseFactory(area=llr)
    past = timezone.now() - datetime.timedelta(days=1)
    TaskFactory(case=case, assigned_to=alice, due_at=past)
    TaskFactory(case=case, assigned_role=Role.CDR_MANAGER, due_at=past)
    TaskFactory(case=case, assigned_to=alice)  # not overdue

    page = client_for(alice).get("/staff/")

    assert page.context["my_overdue_tasks"] == 2
    text = page.content.decode()
    assert 'href="/staff/work/"' in text
    assert 'href="/staff/work/team/"' in text


def test_the_key_worker_has_my_work_in_the_menu_but_no_team_work_or_timescales(kim, client_for):
    page = client_for(kim).get("/staff/")

    items = [item["text"] for item in page.context["nav_items"]]
    assert "My work" in items
    assert "Timescales" not in items
    assert 'href="/staff/work/team/"' not in page.content.decode()


def test_an_administrator_finds_the_timescales_in_the_menu(ada, client_for):
    page = client_for(ada).get("/staff/")

    assert "Timescales" in [item["text"] for item in page.context["nav_items"]]


def test_a_panel_member_has_no_work_queue_in_the_menu(pat, client_for):
    page = client_for(pat).get("/staff/")

    assert "My work" not in [item["text"] for item in page.context["nav_items"]]
