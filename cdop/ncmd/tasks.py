"""Background jobs of the NCMD export (django-tasks). Arguments are ids only."""

from __future__ import annotations

from django_tasks import task


@task()
def ncmd_bulk_export(*, batch_id: int) -> str:
    """Run a queued bulk export (the area's exports page queues it): the batch's status."""
    from cdop.core.errors import DomainError
    from cdop.ncmd.models import NcmdBatch
    from cdop.ncmd.services import ncmd_bulk_run

    try:
        return str(ncmd_bulk_run(batch_id=batch_id).batch.status)
    except DomainError:
        # The batch carries the reason for the page; the job itself has done its work.
        return str(NcmdBatch.Status.FAILED)
