from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cdop.accounts.models import Membership, Role, User
from cdop.cases.models import Case, CaseTransition, Task
from cdop.cases.workflow import Status
from cdop.family.models import FamilyContact, KeyWorkerAssignment
from cdop.notifications.models import Notification

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            User,
            Membership,
            Case,
            CaseTransition,
            Notification,
            KeyWorkerAssignment,
            FamilyContact,
        )
    )


def test_it_loads_one_sign_in_per_role_and_cases_in_every_status(llr):
    out = StringIO()
    call_command("load_demo", stdout=out)

    printed = out.getvalue()
    for role in Role:
        assert Membership.objects.filter(area=llr, role=role).exists(), role
        assert role.label in printed
    assert "demo-password-2026" in printed
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert Notification.objects.filter(status=Notification.Status.NEW).exists()
    nhs_numbers = [n for n in Case.objects.values_list("child_nhs_number", flat=True) if n]
    assert nhs_numbers
    assert all(n.startswith("999") for n in nhs_numbers)  # never a real person's


def test_the_demo_leaves_no_open_task_that_its_case_has_ended(llr):
    from cdop.work.services import task_is_moot

    call_command("load_demo", stdout=StringIO())

    open_tasks = Task.objects.filter(completed_at__isnull=True, case__isnull=False)
    assert open_tasks.exists()
    assert [
        (task.case.reference, task.title)
        for task in open_tasks.select_related("case")
        if task_is_moot(task=task, case=task.case)
    ] == []
    # A finalised review's Joint Agency Response tasks were closed with a note saying why.
    assert Task.objects.filter(
        case__status=Status.FINALISED, completion_note__startswith="Closed automatically"
    ).exists()


def test_the_demo_key_worker_supports_some_families(llr):
    call_command("load_demo", stdout=StringIO())

    key_worker = User.objects.get(email="keyworker@demo.invalid")
    theirs = Case.objects.filter(key_worker=key_worker)
    assert theirs.count() == 4
    assert KeyWorkerAssignment.objects.filter(key_worker=key_worker, ended_at=None).count() == 4
    assert FamilyContact.objects.filter(case__in=theirs).count() == 4


def test_a_second_run_adds_nothing(llr):
    call_command("load_demo", stdout=StringIO())
    first = counts()

    call_command("load_demo", stdout=StringIO())

    assert counts() == first


def test_it_refuses_to_run_in_production(llr, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(email__endswith="demo.invalid").exists()


def test_an_unexpected_death_waiting_for_triage_has_its_joint_agency_response_tasks(llr):
    # Seen in a walk of the demo: a waiting notification said "Unexpected" and had no tasks,
    # as the generated ones were never sent through the form that makes them.
    from cdop.cases.models import Expectedness
    from cdop.notifications import jar

    call_command("load_demo", stdout=StringIO())

    waiting = Notification.objects.filter(area=llr, status=Notification.Status.NEW)
    unexpected = waiting.filter(expectedness=Expectedness.UNEXPECTED)
    assert unexpected.exists()
    assert all(n.jar_required for n in unexpected)
    assert not any(n.jar_required for n in waiting.exclude(expectedness=Expectedness.UNEXPECTED))
    for notification in unexpected:
        titles = set(
            Task.objects.filter(notification=notification, rule=jar.RULE).values_list(
                "title", flat=True
            )
        )
        assert titles == {rule.title for rule in jar.jar_rules()}, notification.reference
