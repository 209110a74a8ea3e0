from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cdop.agencyforms.services import form_requests_chase


class Command(BaseCommand):
    help = (
        "Send the agency Reporting Form reminders and escalations that are due today "
        "(one pass; safe to run again)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = form_requests_chase()
        self.stdout.write(
            f"Reminders before the due date: {len(result.before_due)}; "
            f"on the due date: {len(result.on_due)}; escalations: {len(result.escalation)}."
        )
