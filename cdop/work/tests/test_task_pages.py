from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cdop.accounts.models import Role
from cdop.cases.models import Task
from cdop.core.tests.factories import CaseFactory
from cdop.work.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def _due(days: int) -> dict[str, str]:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "due_on_day": str(day.day),
        "due_on_month": str(day.month),
        "due_on_year": str(day.year),
    }


def test_the_case_page_lists_its_tasks_with_links_to_add_assign_and_complete(
    llr, alice, client_for
):
    case = CaseFactory(area=llr)
    task = TaskFactory(case=case, title="Ask the school for its report")
    client = client_for(alice)

    text = client.get(f"/staff/cases/{case.reference}/section/tasks/").content.decode()

    assert "Ask the school for its report" in text
    for link in (
        f"/staff/work/cases/{case.reference}/tasks/new/",
        f"/staff/work/tasks/{task.pk}/assign/",
        f"/staff/work/tasks/{task.pk}/complete/",
    ):
        assert f'href="{link}"' in text
        assert client.get(link).status_code == 200


def test_a_manager_adds_a_task_for_a_role_from_the_case_page(llr, alice, client_for):
    case = CaseFactory(area=llr)

    response = client_for(alice).post(
        f"/staff/work/cases/{case.reference}/tasks/new/",
        {"title": "Ask the GP", "detail": "", "assignee": f"role:{Role.CDR_MANAGER}", **_due(3)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.reference}/section/tasks/"
    task = Task.objects.get(case=case)
    assert (task.title, task.assigned_role, task.created_by) == (
        "Ask the GP",
        Role.CDR_MANAGER,
        alice,
    )
    assert timezone.localtime(task.due_at).date() == timezone.localdate() + datetime.timedelta(3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter what needs to be done"),
        (
            {"due_on_day": "", "due_on_month": "", "due_on_year": ""},
            "Enter the date the task is due",
        ),
        ({"due_on_day": "31", "due_on_month": "2"}, "Due date must be a real date"),
        (_due(-1), "Due date must be today or in the future"),
        ({"assignee": "user:999999"}, "Choose someone from the list"),
    ],
)
def test_it_refuses_a_bad_task_and_shows_the_form_again_keeping_what_was_typed(
    llr, alice, client_for, changes, message
):
    case = CaseFactory(area=llr)
    data = {"title": "Ask the GP", "detail": "Typed detail", "assignee": "", **_due(3), **changes}

    response = client_for(alice).post(f"/staff/work/cases/{case.reference}/tasks/new/", data)

    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert "Typed detail" in text
    assert not Task.objects.exists()


def test_someone_who_cannot_read_a_person_is_not_offered_and_is_refused(
    llr, alice, pat, client_for
):
    case = CaseFactory(area=llr)
    client = client_for(alice)

    form_page = client.get(f"/staff/work/cases/{case.reference}/tasks/new/")
    assert "Pat Member" not in form_page.content.decode()
    response = client.post(
        f"/staff/work/cases/{case.reference}/tasks/new/",
        {"title": "X", "assignee": f"user:{pat.pk}", **_due(1)},
    )
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_a_task_is_completed_with_a_note_from_its_page(llr, devi, client_for):
    case = CaseFactory(area=llr)
    task = TaskFactory(case=case)

    client = client_for(devi)
    assert client.get(f"/staff/work/tasks/{task.pk}/complete/").status_code == 200
    response = client.post(f"/staff/work/tasks/{task.pk}/complete/", {"note": "Done today."})

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.completed_by, task.completion_note) == (devi, "Done today.")


def test_completing_without_a_note_shows_the_form_again(llr, alice, client_for):
    task = TaskFactory(case=CaseFactory(area=llr))

    response = client_for(alice).post(f"/staff/work/tasks/{task.pk}/complete/", {"note": " "})

    assert response.status_code == 400
    assert "Enter a note saying what was done" in response.content.decode()
    task.refresh_from_db()
    assert task.completed_at is None


def test_completing_a_task_twice_says_it_was_already_done(llr, alice, client_for):
    task = TaskFactory(case=CaseFactory(area=llr), completed_at=timezone.now())

    response = client_for(alice).post(f"/staff/work/tasks/{task.pk}/complete/", {"note": "x"})

    assert response.status_code == 400
    assert "already marked done" in response.content.decode()


def test_a_task_is_assigned_to_the_cases_key_worker(llr, alice, kim, client_for):
    case = CaseFactory(area=llr, key_worker=kim)
    task = TaskFactory(case=case)

    response = client_for(alice).post(
        f"/staff/work/tasks/{task.pk}/assign/", {"assignee": f"user:{kim.pk}"}
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.assigned_to, task.assigned_by) == (kim, alice)


def test_a_bad_assignee_shows_the_form_again(llr, alice, client_for):
    task = TaskFactory(case=CaseFactory(area=llr))

    response = client_for(alice).post(
        f"/staff/work/tasks/{task.pk}/assign/", {"assignee": "role:panel_chair"}
    )

    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_every_task_page_is_not_found_for_someone_who_may_not_read_the_case(
    request, llr, client_for, persona
):
    case = CaseFactory(area=llr)
    task = TaskFactory(case=case)
    client = client_for(request.getfixturevalue(persona))

    for url in (
        f"/staff/work/cases/{case.reference}/tasks/new/",
        f"/staff/work/tasks/{task.pk}/assign/",
        f"/staff/work/tasks/{task.pk}/complete/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "x", "title": "x", **_due(1)}).status_code == 404
    task.refresh_from_db()
    assert task.completed_at is None
    assert Task.objects.count() == 1


def test_the_key_worker_completes_a_task_on_her_own_case(llr, kim, client_for):
    task = TaskFactory(case=CaseFactory(area=llr, key_worker=kim))

    response = client_for(kim).post(f"/staff/work/tasks/{task.pk}/complete/", {"note": "Called."})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.completed_by == kim


def test_a_jar_task_on_a_notification_not_yet_a_case_is_in_my_work_and_can_be_done(
    llr, alice, client_for
):
    from cdop.core.tests.factories import NotificationFactory

    notification = NotificationFactory(area=llr)
    task = Task.objects.create(
        area=llr,
        notification=notification,
        rule="jar",
        title="Hold the initial JAR strategy discussion",
        due_at=timezone.now() + datetime.timedelta(hours=24),
        assigned_role=Role.CDR_MANAGER,
    )
    client = client_for(alice)

    page = client.get("/staff/work/")
    assert f"Notification {notification.reference}" in page.content.decode()
    response = client.post(f"/staff/work/tasks/{task.pk}/complete/", {"note": "Held at 09:00."})

    assert response.status_code == 302
    assert response["Location"] == "/staff/work/"
    task.refresh_from_db()
    assert task.completed_by == alice
