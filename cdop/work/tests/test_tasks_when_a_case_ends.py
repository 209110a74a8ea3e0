"""Tasks when a case ends: transferred, closed as out of scope or merged, its open tasks are
closed with a note saying why; finalised, the tasks for the stages its review has passed are
closed, and its follow-up (decision 51) stays open. A task of a case that has ended is not
marked done or reassigned, and the work queues do not list it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cdop.accounts.models import Role
from cdop.analysis.tests.factories import complete_analysis
from cdop.cases import services as case_services
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory
from cdop.work.services import task_assign, task_complete
from cdop.work.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_transferring_a_case_closes_its_open_tasks_with_a_note(llr, alice):
    case = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    by_hand = TaskFactory(case=case, title="Ask the GP for records")
    by_rule = TaskFactory(case=case, rule="agency_forms")
    done = TaskFactory(case=case, completion_note="Sent.", completed_by=alice)
    done.completed_at = done.due_at
    done.save()

    case_services.case_transfer(case=case, by=alice, reason="The child lived in Rutland")

    for task in (by_hand, by_rule):
        task.refresh_from_db()
        assert task.completed_at is not None
        assert task.completed_by == alice
        assert task.completion_note.startswith("Closed automatically: the case was transferred")
    done.refresh_from_db()
    assert done.completion_note == "Sent."


def test_merging_a_case_says_which_case_the_review_goes_on_under(llr, alice):
    survivor = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    duplicate = CaseFactory(area=llr, status=Status.NOTIFIED)
    task = TaskFactory(case=duplicate)

    case_services.case_merge_duplicate(
        case=duplicate, by=alice, reason="Notified twice", into_reference=survivor.reference
    )

    task.refresh_from_db()
    assert task.completed_at is not None
    assert f"the review goes on under case {survivor.reference}" in task.completion_note


def test_finalising_closes_the_stages_tasks_and_keeps_the_follow_up_open(llr, alice, kim):
    case = CaseFactory(area=llr, status=Status.PANEL_REVIEWED, key_worker=kim)
    complete_analysis(case=case, by=alice)
    jar = TaskFactory(case=case, rule="jar", title="Share information with the designated doctor")
    papers = TaskFactory(case=case, rule="panel_papers")
    feedback = TaskFactory(case=case, rule="family_feedback", assigned_to=kim)
    by_hand = TaskFactory(case=case, rule="", title="Send the family the bereavement leaflet")

    case_services.case_finalise(case=case, by=alice)

    for task in (jar, papers):
        task.refresh_from_db()
        assert task.completed_at is not None
        assert task.completion_note.startswith("Closed automatically: the review was finalised")
    for task in (feedback, by_hand):
        task.refresh_from_db()
        assert task.completed_at is None
    # The follow-up can still be marked done after finalising (decision 51).
    task_complete(task=feedback, by=kim, note="Met the parents and told them the outcome.")
    feedback.refresh_from_db()
    assert feedback.completed_by == kim


def test_a_task_left_open_on_a_finalised_case_is_not_marked_done_or_reassigned(llr, alice):
    # As the demo's LLR-2024-0013 had: a Joint Agency Response task left open from before.
    case = CaseFactory(area=llr, status=Status.FINALISED)
    task = TaskFactory(case=case, rule="jar")

    with pytest.raises(DomainError) as refused:
        task_complete(task=task, by=alice, note="Done.")
    assert "is finalised" in refused.value.message
    assert "Nothing was changed" in refused.value.message
    with pytest.raises(DomainError):
        task_assign(task=task, by=alice, assigned_role=Role.CDR_MANAGER)
    task.refresh_from_db()
    assert (task.completed_at, task.assigned_role) == (None, "")


@pytest.mark.parametrize("status", [Status.TRANSFERRED, Status.OUT_OF_SCOPE, Status.MERGED])
def test_a_task_of_a_case_that_left_the_review_is_refused_with_a_400_page(
    llr, alice, client_for, status
):
    case = CaseFactory(area=llr, status=status)
    task = TaskFactory(case=case)
    client = client_for(alice)

    completed = client.post(f"/staff/work/tasks/{task.pk}/complete/", {"note": "Done."})
    assigned = client.post(f"/staff/work/tasks/{task.pk}/assign/", {"assignee": "role:cdr_manager"})

    assert completed.status_code == 400
    assert "so there is no review here" in completed.text
    assert assigned.status_code == 400
    task.refresh_from_db()
    assert (task.completed_at, task.assigned_role) == (None, "")


def test_the_pages_of_a_task_already_done_say_so_instead_of_offering_a_form(llr, alice, client_for):
    # Seen in a walk of the demo: the "Mark as done" page of a task closed when its case was
    # finalised showed the whole form, and said why only once it was sent.
    case = CaseFactory(area=llr)
    task = TaskFactory(case=case, title="Chase the coroner")
    client = client_for(alice)
    task_complete(task=task, by=alice, note="Spoke to the coroner's officer.")

    complete_page = client.get(f"/staff/work/tasks/{task.pk}/complete/")
    assign_page = client.get(f"/staff/work/tasks/{task.pk}/assign/")
    again = client.post(f"/staff/work/tasks/{task.pk}/complete/", {"note": "Twice."})

    assert complete_page.status_code == 200
    assert "This task was already marked done on" in complete_page.text
    assert "Spoke to the coroner&#x27;s officer." in complete_page.text
    assert "<form" not in complete_page.text.split('id="main-content"', 1)[-1]
    assert assign_page.status_code == 200
    assert "so it cannot be reassigned" in assign_page.text
    assert again.status_code == 400
    assert again.text.count("This task was already marked done on") == 1  # not in a summary too
    task.refresh_from_db()
    assert task.completion_note == "Spoke to the coroner's officer."


def test_the_pages_of_a_task_of_an_ended_case_say_why_it_cannot_be_done(llr, alice, client_for):
    case = CaseFactory(area=llr, status=Status.FINALISED)
    task = TaskFactory(case=case, rule="jar")

    page = client_for(alice).get(f"/staff/work/tasks/{task.pk}/complete/")

    assert page.status_code == 200
    assert "is finalised and this task was for a stage its review had passed" in page.text
    assert 'name="note"' not in page.text


def test_the_work_queues_stop_listing_the_tasks_of_a_case_once_it_ends(llr, alice, client_for):
    still_open = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    TaskFactory(case=still_open, title="Still needed", assigned_role=Role.CDR_MANAGER)
    leaving = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    TaskFactory(case=leaving, title="Chase the school", assigned_role=Role.CDR_MANAGER)
    client = client_for(alice)
    assert "Chase the school" in client.get("/staff/work/team/").text

    case_services.case_close_out_of_scope(case=leaving, by=alice, reason="A stillbirth")

    for url in ("/staff/work/", "/staff/work/team/"):
        page = client.get(url).text
        assert "Still needed" in page
        assert "Chase the school" not in page


def test_the_command_closes_tasks_left_open_on_cases_that_ended_before(llr, alice, client_for):
    # As the demo's LLR-2024-0013 had: finalised before cases closed such tasks as they ended.
    finalised = CaseFactory(area=llr, status=Status.FINALISED)
    jar = TaskFactory(
        case=finalised, rule="jar", title="Left from the JAR", assigned_role="cdr_manager"
    )
    feedback = TaskFactory(case=finalised, rule="family_feedback", title="Tell the family")
    transferred = CaseFactory(area=llr, status=Status.TRANSFERRED)
    left = TaskFactory(case=transferred, title="Left from before")
    out = StringIO()

    call_command("close_moot_tasks", stdout=out)

    assert out.getvalue().strip() == "Tasks closed: 2."
    jar.refresh_from_db()
    assert jar.completed_at == finalised.status_changed_at
    assert jar.completed_by is None
    assert jar.completion_note.startswith("Closed automatically: the review was finalised on")
    left.refresh_from_db()
    assert left.completed_at == transferred.status_changed_at
    feedback.refresh_from_db()
    assert feedback.completed_at is None
    assert "Left from the JAR" not in client_for(alice).get("/staff/work/team/").text
    call_command("close_moot_tasks", stdout=out)
    assert out.getvalue().strip().endswith("Tasks closed: 0.")
