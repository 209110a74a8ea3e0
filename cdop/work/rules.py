"""Tasks made by rules when a case enters a stage, besides the JAR tasks (cdop.notifications.jar).

The rules are data: a deployment replaces them with the WORK_TASK_RULES setting (a sequence of
TaskRule) without a code change. A task for the key worker's role goes to the case's key
worker by name when the case has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from cdop.accounts.models import Role


@dataclass(frozen=True, kw_only=True)
class TaskRule:
    key: str  # kept on the task (Task.rule), so the rule that made it is known
    on_transition: str  # the workflow transition that makes the task
    title: str
    detail: str
    due_after: timedelta  # from the moment of the transition
    assigned_role: str
    # Work that goes on after the review is finalised (decision 51): finalising leaves its
    # task open, where it closes the tasks of the stages the review has passed.
    outlives_review: bool = False


DEFAULT_TASK_RULES: tuple[TaskRule, ...] = (
    TaskRule(
        key="agency_forms",
        on_transition="case_start_information_gathering",
        title="Request agency reporting forms",
        detail="Send the Reporting Form to every agency known to the child, and the "
        "supplementary forms that fit the death.",
        due_after=timedelta(days=7),
        assigned_role=Role.CDR_MANAGER,
    ),
    TaskRule(
        key="cdrm_arrange",
        on_transition="case_ready_for_cdrm",
        title="Arrange the child death review meeting",
        detail="Invite the professionals who knew the child with about a month's notice, once "
        "the post-mortem report is available.",
        due_after=timedelta(days=14),
        assigned_role=Role.CDR_MANAGER,
    ),
    TaskRule(
        key="panel_papers",
        on_transition="case_refer_to_panel",
        title="Prepare the anonymised papers for the panel",
        detail="Anonymise the case papers and send them to the panel before the meeting.",
        due_after=timedelta(days=14),
        assigned_role=Role.CDR_MANAGER,
    ),
    TaskRule(
        key="family_feedback",
        on_transition="case_record_panel_review",
        title="Tell the family the outcome of the review",
        detail="Tell the family what the panel found, and offer bereavement support again.",
        due_after=timedelta(days=14),
        assigned_role=Role.KEY_WORKER,
        outlives_review=True,
    ),
)


def task_rules() -> Sequence[TaskRule]:
    return tuple(getattr(settings, "WORK_TASK_RULES", DEFAULT_TASK_RULES))


def follow_up_rule_keys() -> frozenset[str]:
    """The rules whose tasks outlive the review."""
    return frozenset(rule.key for rule in task_rules() if rule.outlives_review)
