"""Timeline entries for tasks: made, assigned, done (one query per case)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

KINDS = (Kind("task", "Tasks"),)


def task_entries(user: User, case: Case) -> Iterable[Entry]:
    from cdop.cases.models import Task

    tasks = compiled_rows(
        "chronology.tasks",
        lambda case_id: Task.objects.filter(case_id=case_id).select_related(
            "created_by", "assigned_to", "assigned_by", "completed_by"
        ),
        case.pk,
    )
    for task in tasks:
        made_by = task.created_by.full_name if task.created_by else ""
        yield Entry(
            at=task.created_at,
            kind="task",
            title=f"Task added: {task.title}",
            detail=task.detail if task.created_by else "Made by a rule.",
            by=made_by,
        )
        if task.assigned_at is not None and task.assignee_label:
            yield Entry(
                at=task.assigned_at,
                kind="task",
                title=f"Task assigned to {task.assignee_label}: {task.title}",
                by=task.assigned_by.full_name if task.assigned_by else "",
            )
        if task.completed_at is not None:
            yield Entry(
                at=task.completed_at,
                kind="task",
                title=f"Task done: {task.title}",
                detail=task.completion_note,
                by=task.completed_by.full_name if task.completed_by else "",
            )
