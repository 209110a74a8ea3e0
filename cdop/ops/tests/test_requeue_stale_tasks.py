"""A job a dead worker left RUNNING is queued again, so a notification's follow-up (its
JAR tasks, the team's alert, the notifier's confirmation) is not lost with the worker."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cdop.areas.models import Area
from cdop.cases.models import Task
from cdop.notifications.jar import RULE
from cdop.notifications.services import notification_submit
from cdop.notifications.tasks import notification_acknowledge
from cdop.ops.services import tasks_requeue_stale
from cdop.ops.tests.helpers import synthetic_details

pytestmark = pytest.mark.django_db


def _job(status: str, started_minutes_ago: int | None) -> DBTaskResult:
    started = (
        None
        if started_minutes_ago is None
        else timezone.now() - timedelta(minutes=started_minutes_ago)
    )
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"notification_id": 1}},
        task_path="cdop.notifications.tasks.notification_acknowledge",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        started_at=started,
        worker_ids=["dead-worker"],
    )


def test_a_job_running_longer_than_the_limit_is_queued_again() -> None:
    orphan = _job(TaskResultStatus.RUNNING, started_minutes_ago=30)
    busy = _job(TaskResultStatus.RUNNING, started_minutes_ago=1)
    done = _job(TaskResultStatus.SUCCESSFUL, started_minutes_ago=60)
    failed = _job(TaskResultStatus.FAILED, started_minutes_ago=60)

    requeued = tasks_requeue_stale(older_than=timedelta(minutes=15))

    assert requeued == [str(orphan.id)]
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY
    assert orphan.started_at is None
    # The next worker picks it up: it is among the jobs ready to run.
    assert DBTaskResult.objects.ready().filter(id=orphan.id).exists()
    for job, status in ((busy, "RUNNING"), (done, "SUCCESSFUL"), (failed, "FAILED")):
        job.refresh_from_db()
        assert job.status == status


def test_command_with_zero_minutes_requeues_every_running_job(
    capsys: pytest.CaptureFixture[str],
) -> None:
    orphan = _job(TaskResultStatus.RUNNING, started_minutes_ago=0)

    call_command("requeue_stale_tasks", minutes=0)

    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY
    assert "Queued again 1 job(s)" in capsys.readouterr().out


def test_command_refuses_a_negative_time() -> None:
    with pytest.raises(CommandError, match="0 or more"):
        call_command("requeue_stale_tasks", minutes=-5)


def test_running_a_notification_job_again_makes_no_second_set_of_jar_tasks(llr: Area) -> None:
    """Why queueing again is safe: the dead worker may have made the JAR tasks before it
    died; the job run again makes none twice."""
    notification, _ = notification_submit(
        area=llr, submission_token=uuid.uuid4(), details=synthetic_details(7)
    )
    made = Task.objects.filter(notification=notification, rule=RULE).count()
    assert made > 0  # the test backend runs the job at once

    notification_acknowledge.call(notification_id=notification.pk)

    assert Task.objects.filter(notification=notification, rule=RULE).count() == made
