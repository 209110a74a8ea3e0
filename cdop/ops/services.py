"""Operations that write: putting back background jobs a dead worker left half-done."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


@transaction.atomic
def tasks_requeue_stale(*, older_than: timedelta) -> list[str]:
    """Put RUNNING jobs that started more than `older_than` ago back in the queue; their ids.

    django-tasks-db marks a job RUNNING when a worker claims it and SUCCESSFUL or FAILED
    when it ends. A worker that dies in between (SIGKILL, out of memory, the machine
    restarting, or the database going away while it records the outcome) leaves the job
    RUNNING for ever, and nothing runs it again: for a new notification, its Joint Agency
    Response tasks, the team's alert and the notifier's confirmation would never come.
    A job RUNNING for longer than any job takes is put back as READY for the next worker.
    Running a job again is safe here: the data each makes is made once (the JAR tasks, the
    NCMD batch, the data-quality checks); at worst an email (an alert, an invitation, a
    link) goes twice, which is better than never.
    """
    cutoff = timezone.now() - older_than
    stale = list(
        DBTaskResult.objects.select_for_update(skip_locked=True)
        .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        .values_list("id", "task_path", "started_at")
    )
    ids = [row[0] for row in stale]
    if ids:
        DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
    for task_id, path, started_at in stale:
        logger.warning(
            "Job %s (%s), RUNNING since %s with no worker finishing it: queued again",
            task_id,
            path,
            started_at,
        )
    return [str(i) for i in ids]
