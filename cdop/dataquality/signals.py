"""Keep the stored scores current: a save or delete of anything the rules read queues a
recheck of its case for the task worker, once the transaction commits.

One job per transaction, however many records it wrote: the ids gather on the database
connection until the commit, and the first flush sends them all. The rules read the case,
its notifications, JAR tasks, Reporting Forms, post-mortems, coroner referrals and
analysis; bulk loaders, which send no signals, are covered by `manage.py
dataquality_refresh`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _note(kind: str, pk: int | None) -> None:
    """Gather the id for the next commit. Every note registers the flush: the first to run
    sends everything gathered and the rest find nothing, and ids left by a rolled-back
    transaction go with the next commit (rechecking a case is harmless)."""
    if pk is None:
        return
    connection = transaction.get_connection()
    pending: dict[str, set[int]] | None = getattr(connection, "_dataquality_pending", None)
    if pending is None:
        pending = {"case": set(), "analysis": set(), "request": set()}
        connection._dataquality_pending = pending
    pending[kind].add(pk)
    transaction.on_commit(_flush)


def _flush() -> None:
    connection = transaction.get_connection()
    pending: dict[str, set[int]] | None = getattr(connection, "_dataquality_pending", None)
    connection._dataquality_pending = None
    if not pending or not any(pending.values()):
        return
    from cdop.dataquality.tasks import dataquality_recheck

    dataquality_recheck.enqueue(
        case_ids=sorted(pending["case"]),
        analysis_ids=sorted(pending["analysis"]),
        request_ids=sorted(pending["request"]),
    )


def _on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures
    from cdop.agencyforms.models import RequestedForm
    from cdop.analysis.models import Factor
    from cdop.cases.models import Case

    if isinstance(instance, Case):
        _note("case", instance.pk)
        # Its stage and dates place it on the area's page (selectors.worst_first_kept).
        from cdop.dataquality.selectors import worst_first_forget

        worst_first_forget(instance.area_id)
    elif isinstance(instance, Factor):
        _note("analysis", instance.analysis_id)
    elif isinstance(instance, RequestedForm):
        _note("request", instance.request_id)
    else:
        _note("case", getattr(instance, "case_id", None))


def connect() -> None:
    from cdop.agencyforms.models import FormRequest, RequestedForm
    from cdop.analysis.models import Analysis, Factor
    from cdop.cases.models import Case, Task
    from cdop.investigations.models import CoronerReferral, PostMortem
    from cdop.notifications.models import Notification

    for model in (
        Case,
        Notification,
        Task,
        FormRequest,
        RequestedForm,
        PostMortem,
        CoronerReferral,
        Analysis,
        Factor,
    ):
        uid = f"dataquality_{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "_delete")
