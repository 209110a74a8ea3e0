"""Reminders: the owner is emailed as the due date comes near, the day after it passes, and
every four weeks while it stays overdue; each reminder once, whoever runs the pass; no
personal details in the email."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from cdop.actions.models import ActionReminder, ActionStatus
from cdop.actions.reminders import (
    action_remind_one,
    actions_remind,
    reminder_step_for,
    reminder_times,
    reminders_schedule,
)
from cdop.actions.services import action_status_change
from cdop.actions.tasks import action_remind_due
from cdop.actions.tests.conftest import LONDON
from cdop.actions.tests.factories import ActionFactory
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.investigations.tests.helpers import opened_case

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def case(llr: object) -> Case:
    return opened_case(area=llr, status=Status.FINALISED)


def on(day: datetime.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(7, 0), LONDON), tick=False
    )


def run_pass() -> str:
    out = StringIO()
    call_command("remind_actions", stdout=out)
    return out.getvalue()


def test_the_owner_is_reminded_on_schedule(case) -> None:
    action = ActionFactory(case=case, due_on=D(2027, 6, 30))

    with on(D(2027, 6, 15)):
        assert run_pass().startswith("Due soon: 0;")  # 15 days before: nothing yet
    with on(D(2027, 6, 16)):
        assert "Due soon: 1;" in run_pass()  # 14 days before
    with on(D(2027, 6, 17)):
        assert "Due soon: 0;" in run_pass()  # not again
    with on(D(2027, 6, 30)):
        run_pass()  # the due date itself: nothing new
    with on(D(2027, 7, 1)):
        assert "overdue: 1;" in run_pass()  # the day after
    with on(D(2027, 7, 27)):
        assert "still overdue: 0." in run_pass()
    with on(D(2027, 7, 28)):
        assert "still overdue: 1." in run_pass()  # four weeks overdue
    with on(D(2027, 8, 25)):
        assert "still overdue: 1." in run_pass()  # eight weeks

    sent = list(action.reminders.values_list("step", "repeat", "sent_at__date"))
    assert [(s, r) for s, r, _ in sent] == [
        ("due_soon", 0),
        ("overdue", 0),
        ("still_overdue", 1),
        ("still_overdue", 2),
    ]
    assert len(mail.outbox) == 4
    assert [m.subject for m in mail.outbox][:2] == [
        "An action from the Child Death Overview Panel is due soon",
        "An action from the Child Death Overview Panel is overdue",
    ]
    assert all(m.to == ["actions@maternity.invalid"] for m in mail.outbox)


def test_the_email_carries_the_reference_and_no_personal_details(case) -> None:
    action = ActionFactory(case=case, due_on=D(2027, 3, 10), description="Speak to Oliver's GP")

    with on(D(2027, 3, 1)):
        run_pass()

    body = mail.outbox[0].body
    assert action.number in body
    assert "10 March 2027" in body
    assert "Synthetic Maternity Services" in body
    for detail in (
        case.child_first_name,
        case.child_last_name,
        case.child_nhs_number,
        case.child_postcode,
        case.reference,
        "Speak to",
        "2024",
    ):
        assert detail not in body


def test_a_late_pass_sends_only_the_latest_step(case) -> None:
    action = ActionFactory(case=case, due_on=D(2027, 2, 1))

    with on(D(2027, 3, 1)):
        run_pass()

    assert list(action.reminders.values_list("step", flat=True)) == ["still_overdue"]
    assert len(mail.outbox) == 1


def test_closed_actions_are_not_reminded(case, alice) -> None:
    done = ActionFactory(
        case=case,
        due_on=D(2027, 2, 1),
        status=ActionStatus.DONE,
        evidence="Done",
        closed_on=D(2027, 2, 1),
    )
    dropped = ActionFactory(
        case=case, due_on=D(2027, 2, 1), status=ActionStatus.DROPPED, closed_on=D(2027, 2, 1)
    )

    with on(D(2027, 3, 1)):
        run_pass()

    assert not ActionReminder.objects.filter(action__in=[done, dropped]).exists()
    assert mail.outbox == []


def test_a_job_and_the_pass_never_send_the_same_reminder_twice(case) -> None:
    action = ActionFactory(case=case, due_on=D(2027, 3, 10))

    with on(D(2027, 3, 1)):
        assert action_remind_due.call(action_id=action.pk) == "due_soon"
        assert action_remind_one(action_id=action.pk) is None
        assert actions_remind().sent == []

    assert action.reminders.count() == 1
    assert len(mail.outbox) == 1


def test_a_new_due_date_starts_the_reminders_again(case, alice, client_for) -> None:
    action = ActionFactory(case=case, due_on=D(2027, 3, 10))
    with on(D(2027, 3, 1)):
        run_pass()
    action.due_on = D(2027, 3, 12)
    action.save()

    with on(D(2027, 3, 2)):
        run_pass()

    assert list(action.reminders.values_list("due_on", "step")) == [
        (D(2027, 3, 10), "due_soon"),
        (D(2027, 3, 12), "due_soon"),
    ]


def test_a_reopened_action_is_reminded_again_when_overdue(case, alice) -> None:
    action = ActionFactory(case=case, due_on=D(2027, 2, 20))
    action_status_change(action=action, by=alice, to_status="dropped", reason="Not needed")
    with on(D(2027, 3, 1)):
        run_pass()
    assert mail.outbox == []
    action_status_change(action=action, by=alice, to_status="open", reason="Needed after all")

    with on(D(2027, 3, 2)):
        run_pass()

    assert list(action.reminders.values_list("step", flat=True)) == ["overdue"]


def test_the_steps_and_the_scheduled_times() -> None:
    assert reminder_step_for(due_on=D(2027, 6, 30), today=D(2027, 6, 15)) is None
    step = reminder_step_for(due_on=D(2027, 6, 30), today=D(2027, 6, 16))
    assert step is not None
    assert step.step == "due_soon"
    late = reminder_step_for(due_on=D(2027, 6, 30), today=D(2027, 9, 22))
    assert late is not None
    assert (late.step, late.repeat) == ("still_overdue", 3)
    times = reminder_times(due_on=D(2027, 6, 30))
    assert [t.date() for t in times] == [D(2027, 6, 16), D(2027, 7, 1), D(2027, 7, 28)]
    assert all(t.hour == 8 for t in times)


def test_the_tests_backend_schedules_nothing_and_leaves_it_to_the_pass(case) -> None:
    action = ActionFactory(case=case)

    assert reminders_schedule(action_id=action.pk, due_on=action.due_on) == 0


def test_with_a_worker_each_new_action_schedules_its_reminders(
    alice, case, django_capture_on_commit_callbacks
) -> None:
    from django.test import override_settings
    from django_tasks import task_backends

    from cdop.actions.services import ActionDetails, action_create

    dummy = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    with override_settings(TASKS=dummy):
        with django_capture_on_commit_callbacks(execute=True):
            action_create(
                case=case,
                by=alice,
                details=ActionDetails(
                    description="Share the learning with every GP practice.",
                    owner_name="Synthetic Primary Care Board",
                    owner_email="board@primary.invalid",
                    due_on=D(2027, 6, 30),
                ),
            )
        results = task_backends["default"].results  # type: ignore[attr-defined]
        runs = sorted(r.task.run_after for r in results)

    assert [r.date() for r in runs] == [D(2027, 6, 16), D(2027, 7, 1), D(2027, 7, 28)]


def test_the_daily_pass_is_also_a_task(case) -> None:
    from cdop.actions.tasks import actions_remind_pass

    ActionFactory(case=case, due_on=D(2027, 3, 10))

    with on(D(2027, 3, 1)):
        assert actions_remind_pass.call() == 1
