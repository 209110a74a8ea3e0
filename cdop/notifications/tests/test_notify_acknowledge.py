"""What follows a new notification: one background job, queued in the notification's own
transaction (so a crash after the commit cannot lose it), that makes the Joint Agency
Response tasks and sends both emails; and the notification's audit entry."""

from __future__ import annotations

import datetime
import fcntl
import os
import uuid
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django_tasks_db.models import DBTaskResult

from cdop.cases.models import Task
from cdop.core.db import write_turn
from cdop.core.tests.factories import CaseFactory
from cdop.notifications import jar
from cdop.notifications.models import Notification, NotificationDraft
from cdop.notifications.services import (
    NotificationDetails,
    jar_tasks_create,
    notification_submit,
)
from cdop.notifications.tests.test_notify_form import notify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

JOB = "cdop.notifications.tasks.notification_acknowledge"


@pytest.fixture
def db_queue(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The queue of a real deployment (the tests otherwise run jobs at once)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    # The worker closes connections between jobs; inside the test's transaction that would
    # close the test's own connection (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def _details(**overrides: Any) -> NotificationDetails:
    values: dict[str, Any] = {
        "child_first_name": "Queue",
        "child_last_name": "Synthetic",
        "child_date_of_birth": datetime.date(2024, 1, 1),
        "child_sex": "female",
        "child_nhs_number": "",
        "child_postcode": "",
        "date_of_death": datetime.date(2025, 1, 1),
        "expectedness": "unexpected",
        "circumstances": "Synthetic",
        "notifier_name": "N",
        "notifier_role": "R",
        "notifier_organisation": "O",
        "notifier_email": "n@example.invalid",
        "notifier_phone": "1",
    }
    return NotificationDetails(**{**values, **overrides})


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def test_sending_queues_one_job_and_nothing_else_waits_on_the_request(llr, alice, db_queue):
    notify(expectedness="unexpected")

    notification = Notification.objects.get()
    job = DBTaskResult.objects.get()
    assert job.task_path == JOB
    assert job.args_kwargs["kwargs"] == {"notification_id": notification.pk}
    assert not Task.objects.exists()  # made by the job, not the request
    assert mail.outbox == []
    assert not NotificationDraft.objects.exists()


def test_the_job_is_queued_inside_the_notifications_transaction(llr, db_queue):
    with transaction.atomic():
        notification, _ = notification_submit(
            area=llr, submission_token=uuid.uuid4(), details=_details()
        )
        # Before the commit: the job row is part of the same transaction.
        assert DBTaskResult.objects.filter(task_path=JOB).count() == 1
        assert Notification.objects.filter(pk=notification.pk).exists()


def _submit_then_die(area: Any) -> None:
    with transaction.atomic():
        notification_submit(area=area, submission_token=uuid.uuid4(), details=_details())
        raise RuntimeError("the process dies before the commit")


def test_a_notification_that_is_rolled_back_leaves_no_job_behind(llr, db_queue):
    with pytest.raises(RuntimeError, match="dies"):
        _submit_then_die(llr)

    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_worker_makes_the_jar_tasks_and_sends_both_emails(llr, alice, db_queue):
    notify(expectedness="unexpected")

    _run_worker()

    notification = Notification.objects.get()
    tasks = Task.objects.filter(notification=notification, rule=jar.RULE).order_by("pk")
    assert [t.title for t in tasks] == [rule.title for rule in jar.DEFAULT_JAR_RULES]
    assert tasks[0].due_at == notification.received_at + datetime.timedelta(hours=24)
    assert all(t.area == llr and t.case is None for t in tasks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [alice.email, notification.notifier_email]
    )
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_an_expected_death_gets_its_emails_from_the_job_but_no_jar_tasks(llr, alice, db_queue):
    notify(expectedness="expected")

    _run_worker()

    assert not Task.objects.exists()
    assert len(mail.outbox) == 2


def test_the_jar_tasks_are_made_once_however_often_the_job_runs(llr):
    notification, _ = notification_submit(
        area=llr, submission_token=uuid.uuid4(), details=_details()
    )

    again = jar_tasks_create(notification_id=notification.pk)

    assert again == []
    assert Task.objects.filter(notification=notification).count() == len(jar.DEFAULT_JAR_RULES)


def test_jar_tasks_made_after_a_case_was_opened_go_on_the_case(llr, db_queue):
    notification, _ = notification_submit(
        area=llr, submission_token=uuid.uuid4(), details=_details()
    )
    case = CaseFactory(area=llr)
    Notification.objects.filter(pk=notification.pk).update(case=case)

    _run_worker()

    assert {t.case_id for t in Task.objects.filter(notification=notification)} == {case.pk}


def test_a_failing_email_does_not_stop_the_jar_tasks(llr, db_queue, settings):
    settings.EMAIL_BACKEND = "cdop.notifications.tests.test_notify_acknowledge.FailingBackend"
    notify(expectedness="unexpected")

    _run_worker()

    assert Task.objects.count() == len(jar.DEFAULT_JAR_RULES)
    assert DBTaskResult.objects.get().status == "FAILED"  # recorded for someone to look at


class FailingBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("the mail server is down")


def test_the_audit_entry_of_a_sent_notification_records_its_fields_and_where_from(llr):
    notify(child_last_name="Audited")

    notification = Notification.objects.get()
    entries = LogEntry.objects.get_for_object(notification)
    entry = entries.get(action=LogEntry.Action.CREATE)
    assert entries.count() == 1
    assert entry.changes["child_last_name"] == ["None", "Audited"]
    assert entry.changes["reference"] == ["None", notification.reference]
    assert entry.changes["area"] == ["None", str(llr.pk)]
    assert "submission_token" not in entry.changes
    assert entry.additional_data == {"area_id": llr.pk}
    assert entry.remote_addr == "127.0.0.1"
    assert entry.actor is None  # the public form has no signed-in person


def _other_process_lock(database: Any) -> int:
    return os.open(f"{database}-writelock", os.O_RDWR | os.O_CREAT, 0o600)


def test_on_a_sqlite_file_each_send_waits_its_turn_on_a_file_lock(monkeypatch, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite has a single write lock")
    database = tmp_path / "db.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)  # as in a request
    other = _other_process_lock(database)

    with write_turn(), pytest.raises(BlockingIOError):  # another process would wait here
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)

    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again afterwards
    os.close(other)


def test_inside_a_callers_transaction_no_file_lock_is_taken(monkeypatch, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite has a single write lock")
    database = tmp_path / "db.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    other = _other_process_lock(database)

    with transaction.atomic(), write_turn():
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nothing held: no wait

    os.close(other)
