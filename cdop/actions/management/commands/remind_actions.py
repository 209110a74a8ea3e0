from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cdop.actions.models import ReminderStep
from cdop.actions.reminders import actions_remind


class Command(BaseCommand):
    help = (
        "Email the owners of actions due soon or overdue (one pass, for cron daily; safe to "
        "run again: each reminder is sent once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = actions_remind()
        self.stdout.write(
            f"Due soon: {result.count(ReminderStep.DUE_SOON)}; "
            f"overdue: {result.count(ReminderStep.OVERDUE)}; "
            f"still overdue: {result.count(ReminderStep.STILL_OVERDUE)}."
        )
