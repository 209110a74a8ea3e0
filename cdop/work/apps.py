from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "cdop.work"
    label = "work"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.cases.models import Case, Task
        from cdop.cases.sections import CaseSection, section_register
        from cdop.cases.signals import case_transitioned
        from cdop.chronology.registry import chronology_register
        from cdop.clocks.models import Clock
        from cdop.work.chronology import KINDS, task_entries
        from cdop.work.views import case_tasks_section

        if not auditlog.contains(Task):
            auditlog.register(Task)
        case_transitioned.connect(_on_case_transitioned, dispatch_uid="work_tasks_from_rules")
        # Each area's totals are kept a minute (cdop.cases.totals): a write to what they count
        # forgets them.
        from cdop.cases.totals import area_totals_forget
        from cdop.core.kept import kept_area_forgetter, kept_forget_on_writes

        kept_area_forgetter(area_totals_forget)
        kept_forget_on_writes(
            "totals", (Task, Case, Clock), lambda row: area_totals_forget(row.area_id)
        )
        section_register(
            CaseSection(
                key="tasks",
                title="Tasks",
                order=20,
                template="work/_case_section.html",
                context=case_tasks_section,
            )
        )
        chronology_register(name="work_tasks", kinds=KINDS, provider=task_entries)


def _on_case_transitioned(sender: Any, *, case: Any, transition: Any, **kwargs: Any) -> None:
    from cdop.work.services import tasks_close_on_case_end, tasks_from_rules

    # First the tasks the case's end makes unnecessary, then any the rules make for it.
    tasks_close_on_case_end(case=case, transition=transition)
    tasks_from_rules(case=case, transition=transition)
