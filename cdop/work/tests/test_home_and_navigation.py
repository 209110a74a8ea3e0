from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Role
from cdop.cases.selectors import case_list_for_user
from cdop.cases.workflow import OPEN, Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.core.tests.helpers import committed
from cdop.notifications.models import Notification
from cdop.notifications.selectors import notification_queue_for_user
from cdop.work.selectors import task_queue_mine
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


# --- The start page's figures (read from the areas' kept totals where they can be) ---------


@pytest.fixture
def start_page_records(llr, other_area, kim):
    """Notifications, cases and tasks of both areas, of every kind the figures tell apart."""
    past = timezone.now() - datetime.timedelta(days=2)
    soon = timezone.now() + datetime.timedelta(days=2)
    NotificationFactory(area=llr)
    NotificationFactory(area=llr)
    NotificationFactory(area=llr, status=Notification.Status.CASE_OPENED)
    NotificationFactory(area=other_area)
    open_case = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    kims_case = CaseFactory(area=llr, key_worker=kim)
    CaseFactory(area=llr, status=Status.FINALISED)
    CaseFactory(area=llr, status=Status.MERGED)
    elsewhere = CaseFactory(area=other_area)
    TaskFactory(case=open_case, assigned_role=Role.CDR_MANAGER, due_at=past)
    TaskFactory(case=open_case, assigned_role=Role.CDR_MANAGER, due_at=soon)
    TaskFactory(case=open_case, assigned_role=Role.DESIGNATED_DOCTOR, due_at=past)
    TaskFactory(case=kims_case, assigned_role=Role.KEY_WORKER, due_at=past)
    TaskFactory(case=kims_case, assigned_to=kim, due_at=past)
    TaskFactory(case=elsewhere, assigned_role=Role.CDR_MANAGER, due_at=past)


def _expected(user):
    """The figures as the lists behind the start page's links count them."""
    now = timezone.now()
    queue = bool(permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS))
    cases = bool(permissions.area_ids_with_roles(user, permissions.CASE_READERS))
    return {
        "new_notifications": notification_queue_for_user(user=user).count() if queue else 0,
        "open_cases": (
            case_list_for_user(user=user).filter(status__in=OPEN).count() if cases else 0
        ),
        "my_overdue_tasks": (
            task_queue_mine(user=user).filter(due_at__lt=now).count() if cases else 0
        ),
    }


def test_the_start_page_counts_what_its_links_list_for_every_role(
    start_page_records, alice, ada, devi, kim, chris, pat, olu, client_for
):
    seen = {}
    for persona in (alice, ada, devi, kim, chris, pat, olu):
        page = client_for(persona).get("/staff/")
        shown = {key: page.context[key] for key in _expected(persona)}
        assert shown == _expected(persona), persona.email
        seen[persona.email] = shown
    # The records tell the roles apart: the manager's two waiting notifications, two open
    # cases (not the finalised or merged ones, nor the other area's) and their role's overdue
    # task; the key worker's one case and its two overdue tasks (theirs and their role's).
    assert seen["alice@llr.invalid"] == {
        "new_notifications": 2,
        "open_cases": 2,
        "my_overdue_tasks": 1,
    }
    assert seen["kim@llr.invalid"] == {
        "new_notifications": 0,
        "open_cases": 1,
        "my_overdue_tasks": 2,
    }
    assert seen["devi@llr.invalid"]["my_overdue_tasks"] == 1
    assert seen["olu@demo.invalid"] == {
        "new_notifications": 1,
        "open_cases": 1,
        "my_overdue_tasks": 1,
    }


def test_the_start_page_shows_a_task_done_or_a_case_opened_at_once(llr, alice, client_for):
    """Each write is committed (committed()): until then its transaction counts afresh and
    keeps nothing (cdop.core.kept), and a test's own transaction never commits."""
    past = timezone.now() - datetime.timedelta(days=2)
    with committed():
        case = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
        task = TaskFactory(case=case, assigned_role=Role.CDR_MANAGER, due_at=past)
    client = client_for(alice)
    page = client.get("/staff/")  # now kept
    assert (page.context["my_overdue_tasks"], page.context["open_cases"]) == (1, 1)

    with committed():
        task.completed_at = timezone.now()
        task.save()
        CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    page = client.get("/staff/")

    assert (page.context["my_overdue_tasks"], page.context["open_cases"]) == (0, 2)


def test_the_start_page_asks_the_same_statements_for_many_tasks_as_for_one(llr, alice, client_for):
    client = client_for(alice)
    case = CaseFactory(area=llr)
    past = timezone.now() - datetime.timedelta(days=1)
    TaskFactory(case=case, assigned_role=Role.CDR_MANAGER, due_at=past)
    client.get("/staff/")
    with CaptureQueriesContext(connection) as one:
        client.get("/staff/")
    TaskFactory.create_batch(12, case=case, assigned_role=Role.CDR_MANAGER, due_at=past)
    client.get("/staff/")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/staff/")

    assert page.context["my_overdue_tasks"] == 13
    assert len(many) == len(one), [q["sql"] for q in many]
