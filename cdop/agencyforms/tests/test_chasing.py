from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from cdop.agencyforms.models import Chase
from cdop.agencyforms.services import chase_stage_for, form_requests_chase
from cdop.agencyforms.tests.factories import FormRequestFactory
from cdop.cases.models import Task
from cdop.chronology.registry import chronology_for_case
from cdop.core.tests.factories import CaseFactory
from cdop.securelinks.models import SecureLink

pytestmark = pytest.mark.django_db

MONDAY = "2026-11-02 09:00 +00:00"
DUE = datetime.date(2026, 11, 30)  # 20 working days after Monday 2 November


@pytest.fixture
def form_request(llr, alice, time_machine):
    time_machine.move_to(MONDAY)
    return FormRequestFactory(case=CaseFactory(area=llr), due_on=DUE, requested_by=alice)


def _pass_on(time_machine, when: str) -> None:
    time_machine.move_to(when)
    call_command("chase_forms")


def test_the_stages_follow_the_working_days_around_the_due_date():
    assert chase_stage_for(due_on=DUE, today=datetime.date(2026, 11, 20)) is None
    assert chase_stage_for(due_on=DUE, today=datetime.date(2026, 11, 23)) == "before_due"
    assert chase_stage_for(due_on=DUE, today=DUE) == "on_due"
    assert chase_stage_for(due_on=DUE, today=datetime.date(2026, 12, 4)) == "on_due"
    assert chase_stage_for(due_on=DUE, today=datetime.date(2026, 12, 7)) == "escalation"


def test_a_form_never_returned_is_chased_on_schedule_and_then_escalated(
    form_request, time_machine, alice, ada
):
    _pass_on(time_machine, "2026-11-20 07:00 +00:00")
    assert not mail.outbox
    assert not Chase.objects.exists()

    _pass_on(time_machine, "2026-11-23 07:00 +00:00")
    (reminder,) = mail.outbox
    assert reminder.to == [form_request.contact.email]
    assert "is due on 30 November 2026" in reminder.subject
    assert "/link/" in reminder.body
    assert form_request.case.reference not in reminder.body
    assert list(Chase.objects.values_list("kind", flat=True)) == ["before_due"]
    assert SecureLink.objects.filter(form_request=form_request).count() == 1

    _pass_on(time_machine, "2026-11-23 15:00 +00:00")  # run again the same day: nothing more
    assert len(mail.outbox) == 1

    _pass_on(time_machine, "2026-11-30 07:00 +00:00")
    assert len(mail.outbox) == 2
    assert "due today" in mail.outbox[1].subject
    assert Chase.objects.filter(kind="on_due").count() == 1

    _pass_on(time_machine, "2026-12-04 07:00 +00:00")
    assert len(mail.outbox) == 2

    _pass_on(time_machine, "2026-12-07 07:00 +00:00")
    escalation = mail.outbox[2]
    assert set(escalation.to) == {alice.email, ada.email}
    assert form_request.case.reference in escalation.subject
    assert form_request.case.child_last_name not in escalation.body
    task = Task.objects.get(rule="agency_form_escalation")
    assert task.case == form_request.case
    assert form_request.organisation.name in task.title
    form_request.refresh_from_db()
    assert form_request.escalated_at is not None

    _pass_on(time_machine, "2026-12-08 07:00 +00:00")
    _pass_on(time_machine, "2027-01-08 07:00 +00:00")
    assert len(mail.outbox) == 3
    assert sorted(Chase.objects.values_list("kind", flat=True)) == [
        "before_due",
        "escalation",
        "on_due",
    ]
    assert Task.objects.filter(rule="agency_form_escalation").count() == 1


def test_a_pass_that_runs_late_sends_only_the_latest_reminder(form_request, time_machine):
    _pass_on(time_machine, "2026-12-01 07:00 +00:00")
    assert list(Chase.objects.values_list("kind", flat=True)) == ["on_due"]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("status", ["submitted", "revoked"])
def test_returned_and_withdrawn_requests_are_not_chased(form_request, time_machine, status):
    form_request.status = status
    form_request.save()
    for when in ("2026-11-23 07:00 +00:00", "2026-11-30 07:00 +00:00", "2026-12-07 07:00 +00:00"):
        _pass_on(time_machine, when)
    assert not mail.outbox
    assert not Chase.objects.exists()
    assert not Task.objects.exists()


def test_the_task_runs_the_same_pass(form_request, time_machine):
    from cdop.agencyforms.tasks import form_requests_chase_pass

    time_machine.move_to("2026-11-30 07:00 +00:00")
    result = form_requests_chase_pass.enqueue()
    assert result.return_value == 1
    assert form_requests_chase().total == 0


def test_every_reminder_is_on_the_case_chronology(form_request, time_machine, alice):
    _pass_on(time_machine, "2026-11-23 07:00 +00:00")
    _pass_on(time_machine, "2026-11-30 07:00 +00:00")
    _pass_on(time_machine, "2026-12-07 07:00 +00:00")
    entries = chronology_for_case(user=alice, case=form_request.case)
    titles = [e.title for e in entries if e.kind.startswith("agency_form")]
    name = form_request.organisation.name
    assert titles == [
        f"Reporting Form requested from {name}",
        f"Reminder before the due date: Reporting Form from {name}",
        f"Reminder on the due date: Reporting Form from {name}",
        f"Escalated to the CDR team: Reporting Form from {name}",
    ]


def test_the_chronology_runs_a_fixed_number_of_queries(llr, alice, django_assert_num_queries):
    from cdop.agencyforms.integration import agency_forms_chronology

    case = CaseFactory(area=llr)
    for _ in range(4):
        request = FormRequestFactory(case=case)
        Chase.objects.create(request=request, kind="manual", sent_at=request.requested_at)
    with django_assert_num_queries(3):
        assert len(list(agency_forms_chronology(alice, case))) == 8


def test_the_detail_page_lists_the_reminders(client_for, form_request, time_machine, alice):
    _pass_on(time_machine, "2026-11-23 07:00 +00:00")
    page = client_for(alice).get(
        reverse("agencyforms:detail", args=[form_request.case.reference, form_request.pk])
    )
    assert "Reminder before the due date" in page.content.decode()


def test_the_scheduled_job_sends_the_reminder_due_and_only_once(form_request, time_machine):
    from cdop.agencyforms.tasks import form_request_chase_due

    time_machine.move_to("2026-11-23 08:00 +00:00")
    assert form_request_chase_due.enqueue(form_request_id=form_request.pk).return_value == (
        "before_due"
    )
    assert form_request_chase_due.enqueue(form_request_id=form_request.pk).return_value == ""
    assert len(mail.outbox) == 1
    time_machine.move_to("2026-11-20 08:00 +00:00")  # a job run early does nothing
    form_request.chases.all().delete()
    assert form_request_chase_due.enqueue(form_request_id=form_request.pk).return_value == ""


def test_making_a_request_schedules_a_job_for_each_reminder_date(
    llr, alice, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory
    from cdop.agencyforms import services, tasks
    from cdop.agencyforms.tests.factories import FormDefinitionFactory

    time_machine.move_to(MONDAY)
    scheduled: list[tuple[datetime.datetime, int]] = []

    class Deferred:
        def __init__(self, run_after: datetime.datetime) -> None:
            self.run_after = run_after

        def enqueue(self, *, form_request_id: int) -> None:
            scheduled.append((self.run_after, form_request_id))

    backend = tasks.form_request_chase_due.get_backend()
    monkeypatch.setattr(type(backend), "supports_defer", True)
    monkeypatch.setattr(
        type(tasks.form_request_chase_due), "using", lambda self, **kw: Deferred(kw["run_after"])
    )
    contact = AgencyContactFactory(organisation=OrganisationFactory(area=llr))
    with django_capture_on_commit_callbacks(execute=True):
        (made,) = services.form_request_create(
            case=CaseFactory(area=llr),
            contacts=[contact],
            definitions=[FormDefinitionFactory(code="scheduled-core")],
            due_on=DUE,
            note="",
            by=alice,
        )
    assert [(when.date(), pk) for when, pk in scheduled] == [
        (datetime.date(2026, 11, 23), made.pk),
        (datetime.date(2026, 11, 30), made.pk),
        (datetime.date(2026, 12, 7), made.pk),
    ]
