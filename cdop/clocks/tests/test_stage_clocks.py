from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils import timezone

from cdop.cases import services as case_services
from cdop.cases.models import Case, CaseTransition, Expectedness, Task
from cdop.cases.workflow import Status
from cdop.chronology.registry import chronology_for_case
from cdop.clocks.models import Clock
from cdop.clocks.selectors import (
    case_clock_due_soon_q,
    case_overdue_clock_q,
    case_time_in_stages,
    cases_clock_status,
    clock_status,
)
from cdop.clocks.services import clock_settings_update, clock_start
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.work.services import task_complete

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def open_case(area, by, **notification_fields):
    notification = NotificationFactory(area=area, **notification_fields)
    if notification.expectedness == Expectedness.UNEXPECTED:
        notification.jar_required = True
        notification.save(update_fields=["jar_required"])
        for title in ("Strategy discussion", "Home visit", "Inform the coroner", "Share"):
            Task.objects.create(
                area=area,
                notification=notification,
                rule="jar",
                title=title,
                due_at=notification.received_at + datetime.timedelta(hours=24),
            )
    return case_services.case_open_from_notification(notification=notification, by=by)


@time_machine.travel(at(2026, 11, 21, 9, 0), tick=False)
def test_opening_an_unexpected_death_starts_the_notification_jar_cdrm_and_panel_clocks(llr, alice):
    case = open_case(
        llr,
        alice,
        date_of_death=datetime.date(2026, 11, 20),
        time_of_death=datetime.time(6, 0),
        received_at=at(2026, 11, 21, 8, 0),
        expectedness=Expectedness.UNEXPECTED,
    )

    clocks = {c.kind: c for c in Clock.objects.filter(case=case)}
    assert set(clocks) == {"notification", "jar", "cdrm", "panel"}
    notified = clocks["notification"]
    assert notified.started_at == at(2026, 11, 20, 6, 0)
    assert notified.due_at == at(2026, 11, 21, 6, 0)
    assert notified.stopped_at == at(2026, 11, 21, 8, 0)
    assert clock_status(notified).key == "met_late"
    assert clocks["jar"].due_at == at(2026, 11, 23, 8, 0)
    assert clocks["jar"].stopped_at is None
    assert clocks["cdrm"].due_at == at(2027, 2, 20, 0, 0)
    assert clocks["panel"].due_at == at(2027, 5, 20, 0, 0)
    assert LogEntry.objects.get_for_objects(Clock.objects.filter(case=case)).count() >= 4


def test_an_expected_death_has_no_jar_clock_and_a_timely_notification_is_met(llr, alice):
    now = timezone.now()
    case = open_case(
        llr,
        alice,
        date_of_death=timezone.localdate(),
        time_of_death=None,
        received_at=now,
        expectedness=Expectedness.EXPECTED,
    )

    kinds = set(Clock.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"notification", "cdrm", "panel"}
    notified = Clock.objects.get(case=case, kind="notification")
    # No time of death: midday is assumed.
    assert timezone.localtime(notified.started_at).time() == datetime.time(12, 0)


def test_the_jar_clock_stops_when_the_last_jar_task_is_done(llr, alice):
    case = open_case(llr, alice, expectedness=Expectedness.UNEXPECTED)
    jar_tasks = list(case.tasks.filter(rule="jar"))
    assert len(jar_tasks) == 4

    for task in jar_tasks[:-1]:
        task_complete(task=task, by=alice, note="Done.")
    assert Clock.objects.get(case=case, kind="jar").stopped_at is None
    task_complete(task=jar_tasks[-1], by=alice, note="Shared with Dr Devi.")

    assert Clock.objects.get(case=case, kind="jar").stopped_at is not None


def test_the_meeting_and_the_panel_review_stop_their_clocks(llr, alice):
    case = open_case(llr, alice)
    case = case_services.case_start_information_gathering(case=case, by=alice)
    case = case_services.case_ready_for_cdrm(case=case, by=alice)
    case = case_services.case_record_cdrm_held(case=case, by=alice)

    assert Clock.objects.get(case=case, kind="cdrm").stopped_at is not None
    assert Clock.objects.get(case=case, kind="panel").stopped_at is None

    case = case_services.case_refer_to_panel(case=case, by=alice)
    case = case_services.case_record_panel_review(case=case, by=alice)
    panel = Clock.objects.get(case=case, kind="panel")
    assert panel.stopped_at is not None
    assert clock_status(panel).key == "met"


def test_a_transferred_case_has_its_running_clocks_cancelled_not_met(llr, alice):
    case = open_case(llr, alice)

    case_services.case_transfer(case=case, by=alice, reason="Lives in Demo Shire")

    running = Clock.objects.filter(case=case, stopped_at__isnull=True)
    assert not running.exists()
    cdrm = Clock.objects.get(case=case, kind="cdrm")
    assert cdrm.cancelled
    assert clock_status(cdrm).label == "No longer applies"


def test_new_timescales_apply_to_clocks_started_afterwards(llr, ada, alice):
    first = open_case(llr, alice)

    clock_settings_update(area=llr, by=ada, cdrm_months=4)
    second = open_case(llr, alice)

    first_due = Clock.objects.get(case=first, kind="cdrm").due_at
    second_due = Clock.objects.get(case=second, kind="cdrm").due_at
    assert first.date_of_death == datetime.date(2026, 11, 20)
    assert timezone.localtime(first_due).date() == datetime.date(2027, 2, 20)
    assert timezone.localtime(second_due).date() == datetime.date(2027, 3, 20)


def test_bulk_status_and_filters_find_overdue_and_due_soon_cases(llr):
    now = timezone.now()
    overdue, soon, later, stopped = CaseFactory.create_batch(4, area=llr)
    for case, due in ((overdue, -2), (soon, 3), (later, 30)):
        clock_start(
            case=case,
            kind="cdrm",
            label="Meeting",
            started_at=now - datetime.timedelta(days=60),
            due_at=now + datetime.timedelta(days=due),
        )
    clock_start(case=soon, kind="panel", label="Panel", started_at=now, due_at=now)
    Clock.objects.filter(case=soon, kind="panel").update(stopped_at=now)
    clock_start(case=stopped, kind="cdrm", label="Meeting", started_at=now, due_at=now)
    Clock.objects.filter(case=stopped).update(stopped_at=now + datetime.timedelta(days=1))
    ids = [overdue.pk, soon.pk, later.pk, stopped.pk]

    assert cases_clock_status(case_ids=ids) == {
        overdue.pk: "overdue",
        soon.pk: "due_soon",
        later.pk: "on_time",
    }
    assert list(Case.objects.filter(case_overdue_clock_q())) == [overdue]
    assert list(Case.objects.filter(case_clock_due_soon_q())) == [soon]


def test_bulk_status_takes_one_query_whatever_the_number_of_cases(llr, django_assert_num_queries):
    cases = CaseFactory.create_batch(5, area=llr)
    for case in cases:
        clock_start(
            case=case,
            kind="cdrm",
            label="Meeting",
            started_at=timezone.now(),
            due_at=timezone.now(),
        )
    with django_assert_num_queries(1):
        cases_clock_status(case_ids=[c.pk for c in cases])


def test_time_in_each_stage_comes_from_the_transition_log(llr, alice):
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    start = at(2026, 1, 1, 12, 0)
    for days, name, status in (
        (0, "case_open", Status.NOTIFIED),
        (2, "case_start_information_gathering", Status.INFORMATION_GATHERING),
        (32, "case_ready_for_cdrm", Status.AWAITING_CDRM),
    ):
        CaseTransition.objects.create(
            case=case, name=name, to_status=status, at=start + datetime.timedelta(days=days)
        )

    stages = case_time_in_stages(
        case=case, transitions=case.transitions.all(), now=start + datetime.timedelta(days=40)
    )

    assert [(s.status, s.days, s.current) for s in stages] == [
        (Status.NOTIFIED, 2.0, False),
        (Status.INFORMATION_GATHERING, 30.0, False),
        (Status.AWAITING_CDRM, 8.0, True),
    ]


def test_the_case_page_shows_the_clocks_and_its_history_the_time_in_stage(llr, alice, client_for):
    case = open_case(llr, alice, expectedness=Expectedness.UNEXPECTED)
    Clock.objects.filter(case=case, kind="jar").update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )

    page = client_for(alice).get(case.get_absolute_url())

    assert page.status_code == 200
    text = page.content.decode()
    assert "Stage and clocks" in text
    assert "Joint Agency Response tasks done within 48 hours" in text
    assert "Overdue" in text
    history = client_for(alice).get(f"/staff/cases/{case.reference}/section/history/").text
    assert "Time in each stage" in history
    assert "Notified (now)" in history


def test_the_jar_clock_keeps_running_when_the_jar_tasks_come_after_the_case_is_opened(llr, alice):
    notification = NotificationFactory(
        area=llr, expectedness=Expectedness.UNEXPECTED, jar_required=True
    )
    case = case_services.case_open_from_notification(notification=notification, by=alice)
    assert Clock.objects.get(case=case, kind="jar").stopped_at is None

    task = Task.objects.create(
        area=llr, case=case, notification=notification, rule="jar", title="Strategy",
        due_at=timezone.now(),
    )  # fmt: skip
    task_complete(task=task, by=alice, note="Held at 10:00.")

    assert Clock.objects.get(case=case, kind="jar").stopped_at is not None


def test_the_chronology_tells_when_a_clock_became_overdue_and_when_it_was_met(llr, alice):
    case = CaseFactory(area=llr)
    now = timezone.now()
    clock_start(
        case=case,
        kind="cdrm",
        label="Meeting within 3 months",
        started_at=now - datetime.timedelta(days=100),
        due_at=now - datetime.timedelta(days=10),
    )
    Clock.objects.filter(case=case).update(stopped_at=now - datetime.timedelta(days=2))

    entries = [e for e in chronology_for_case(user=alice, case=case) if e.kind == "clock"]

    assert [e.title for e in entries] == [
        "Overdue: Meeting within 3 months",
        "Met late: Meeting within 3 months",
    ]
