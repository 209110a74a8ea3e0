"""The Joint Agency Response (JAR) tasks an unexpected death starts (domain.md §4, step 2).

The national guidance does not fix every JAR timing, so the rules are data: a deployment
replaces them with the JAR_TASK_RULES setting (a sequence of JarRule) without a code change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from cdop.accounts.models import Role

RULE = "jar"


@dataclass(frozen=True, kw_only=True)
class JarRule:
    title: str
    detail: str
    due_after: timedelta  # from the moment the notification was received
    assigned_role: str


DEFAULT_JAR_RULES: tuple[JarRule, ...] = (
    JarRule(
        title="Hold the initial JAR strategy discussion",
        detail="On-call health professional, police investigator and duty social worker agree "
        "the immediate actions.",
        due_after=timedelta(hours=24),
        assigned_role=Role.CDR_MANAGER,
    ),
    JarRule(
        title="Home visit by police and health professional",
        detail="Visit the place where the child collapsed or died, with the family's agreement.",
        due_after=timedelta(hours=24),
        assigned_role=Role.CDR_MANAGER,
    ),
    JarRule(
        title="Inform the coroner",
        detail="Confirm the coroner has been told of the death and record the coroner's office.",
        due_after=timedelta(hours=24),
        assigned_role=Role.CDR_MANAGER,
    ),
    JarRule(
        title="Share information with the designated doctor",
        detail="Send the notification and the JAR discussion's notes to the Designated Doctor "
        "for Child Deaths.",
        due_after=timedelta(hours=48),
        assigned_role=Role.DESIGNATED_DOCTOR,
    ),
)


def jar_rules() -> Sequence[JarRule]:
    return tuple(getattr(settings, "JAR_TASK_RULES", DEFAULT_JAR_RULES))
