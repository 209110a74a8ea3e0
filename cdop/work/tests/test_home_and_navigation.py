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


def test_an_administrator_finds_the_timescales_through_administration(ada, client_for):
    client = client_for(ada)
    page = client.get("/staff/")
    hub = client.get("/staff/administration/")

    items = [item["text"] for item in page.context["nav_items"]]
    assert "Administration" in items
    # The area's settings and records are on their own page, not six more items in a row
    # that wrapped onto two lines (seen in a walk of the demo).
    assert not {"Timescales", "Audit log", "Retention"} & set(items)
    assert hub.status_code == 200
    links = hub.context["admin_links"]
    assert [link.text for link in links] == [
        "Public pages",
        "Letters to families",
        "Timescales",
        "API clients",
        "Audit log",
        "Retention",
    ]
    for link in links:
        opened = client.get(link.href, follow=True)  # Timescales opens on the area's
        assert opened.status_code == 200, link.href
        active = [item["text"] for item in opened.context["nav_items"] if item["active"]]
        assert active == ["Administration"], link.href


def test_the_administration_page_is_not_found_for_those_who_do_not_administer(kim, pat, client_for):
    for persona in (kim, pat):
        page = client_for(persona).get("/staff/")
        assert "Administration" not in [item["text"] for item in page.context["nav_items"]]
        assert client_for(persona).get("/staff/administration/").status_code == 404


def test_a_panel_member_has_no_work_queue_in_the_menu(pat, client_for):
    page = client_for(pat).get("/staff/")

    assert "My work" not in [item["text"] for item in page.context["nav_items"]]
