from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cdop.work.services import tasks_close_moot_of_ended_cases


class Command(BaseCommand):
    help = (
        "Close the tasks left open on cases that were finalised, transferred, closed as out of "
        "scope or merged before such tasks were closed as the case ended (safe to run again)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = tasks_close_moot_of_ended_cases()
        self.stdout.write(f"Tasks closed: {closed}.")
