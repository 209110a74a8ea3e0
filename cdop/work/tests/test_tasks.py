from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.http import Http404
from django.utils import timezone

from cdop.accounts.models import Role
from cdop.cases import services as case_services
from cdop.cases.models import Task
from cdop.chronology.registry import chronology_for_case
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.work.services import task_assign, task_complete, task_create
from cdop.work.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(days=2)


def test_a_manager_adds_a_task_for_a_person_and_it_is_audited(llr, alice, devi):
    case = CaseFactory(area=llr)

    task = task_create(
        case=case,
        by=alice,
        title="Ask the GP for the records",
        detail="Synthetic detail",
        due_at=timezone.now() + SOON,
        assigned_to=devi,
    )

    assert (task.case, task.area, task.assigned_to, task.created_by) == (case, llr, devi, alice)
    assert task.assigned_at is not None
    entry = LogEntry.objects.get_for_object(task).get()
    assert entry.actor == alice
    assert entry.additional_data == {"area_id": llr.pk, "case": case.reference}


def test_the_key_worker_adds_a_task_to_her_own_case(llr, kim):
    case = CaseFactory(area=llr, key_worker=kim)

    task = task_create(case=case, by=kim, title="Call the family", due_at=timezone.now() + SOON)

    assert task.created_by == kim


def test_it_refuses_a_task_for_someone_who_cannot_read_the_case(llr, alice, kim, pat, olu):
    case = CaseFactory(area=llr)

    for person in (kim, pat, olu):
        with pytest.raises(DomainError) as refused:
            task_create(
                case=case, by=alice, title="X", due_at=timezone.now() + SOON, assigned_to=person
            )
        assert refused.value.field == "assignee"
    assert not Task.objects.exists()


def test_it_refuses_a_person_and_a_role_together_and_an_empty_title(llr, alice, devi):
    case = CaseFactory(area=llr)

    with pytest.raises(DomainError):
        task_create(
            case=case,
            by=alice,
            title="X",
            due_at=timezone.now(),
            assigned_to=devi,
            assigned_role=Role.CDR_MANAGER,
        )
    with pytest.raises(DomainError) as refused:
        task_create(case=case, by=alice, title="  ", due_at=timezone.now())
    assert refused.value.field == "title"


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_someone_who_may_not_read_the_case_cannot_add_a_task_to_it(request, llr, persona):
    case = CaseFactory(area=llr)

    with pytest.raises(Http404):
        task_create(
            case=case, by=request.getfixturevalue(persona), title="X", due_at=timezone.now()
        )


def test_a_task_is_reassigned_to_a_role_and_then_completed_with_a_note(llr, alice, devi):
    case = CaseFactory(area=llr)
    task = TaskFactory(case=case, assigned_to=devi)

    task = task_assign(task=task, by=alice, assigned_role=Role.DESIGNATED_DOCTOR)
    assert (task.assigned_to, task.assigned_role, task.assigned_by) == (
        None,
        Role.DESIGNATED_DOCTOR,
        alice,
    )
    task = task_complete(task=task, by=devi, note="Records received from the GP.")

    task.refresh_from_db()
    assert task.completed_by == devi
    assert task.completion_note == "Records received from the GP."
    assert LogEntry.objects.get_for_object(task).count() == 3


def test_it_refuses_to_complete_without_a_note_or_twice_or_to_reassign_a_done_task(llr, alice):
    task = TaskFactory(case=CaseFactory(area=llr))

    with pytest.raises(DomainError) as refused:
        task_complete(task=task, by=alice, note="   ")
    assert refused.value.field == "note"
    task_complete(task=task, by=alice, note="Done.")
    with pytest.raises(DomainError):
        task_complete(task=task, by=alice, note="Again.")
    with pytest.raises(DomainError):
        task_assign(task=task, by=alice, assigned_role=Role.CDR_MANAGER)


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_someone_who_may_not_read_the_case_cannot_assign_or_complete_its_task(
    request, llr, persona
):
    task = TaskFactory(case=CaseFactory(area=llr))
    user = request.getfixturevalue(persona)

    with pytest.raises(Http404):
        task_assign(task=task, by=user)
    with pytest.raises(Http404):
        task_complete(task=task, by=user, note="x")
    task.refresh_from_db()
    assert task.completed_at is None


def test_starting_information_gathering_makes_the_agency_forms_task_by_rule(llr, alice):
    case = case_services.case_open_from_notification(
        notification=NotificationFactory(area=llr), by=alice
    )

    case_services.case_start_information_gathering(case=case, by=alice)

    task = case.tasks.get(rule="agency_forms")
    assert task.title == "Request agency reporting forms"
    assert task.assigned_role == Role.CDR_MANAGER
    assert LogEntry.objects.get_for_object(task).exists()


def test_the_family_feedback_task_goes_to_the_cases_key_worker_by_name(llr, alice, kim):
    case = CaseFactory(area=llr, status="awaiting_panel", key_worker=kim)

    case_services.case_record_panel_review(case=case, by=alice)

    task = case.tasks.get(rule="family_feedback")
    assert (task.assigned_to, task.assigned_role) == (kim, "")


def test_the_chronology_tells_of_a_task_made_assigned_and_done(llr, alice, devi):
    case = CaseFactory(area=llr)
    task = task_create(case=case, by=alice, title="Ask the GP", due_at=timezone.now() + SOON)
    task_assign(task=task, by=alice, assigned_to=devi)
    task_complete(task=task, by=devi, note="Records in.")

    entries = [e for e in chronology_for_case(user=alice, case=case) if e.kind == "task"]

    assert [e.title for e in entries] == [
        "Task added: Ask the GP",
        "Task assigned to Devi Doctor: Ask the GP",
        "Task done: Ask the GP",
    ]
    assert entries[-1].detail == "Records in."
    assert entries[-1].by == "Devi Doctor"
