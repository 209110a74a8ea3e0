"""Anonymise the cases past their area's retention period. Run daily from cron; safe to
repeat (an anonymised case is skipped). --dry-run says what would be done and writes
nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cdop.retention.services import retention_apply


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date written YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Anonymise closed cases past their area's retention period (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be done; change nothing."
        )
        parser.add_argument(
            "--today", help="Compare retention dates with this day (YYYY-MM-DD) instead of today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options.get("today") else timezone.localdate()
        dry_run = bool(options["dry_run"])
        result = retention_apply(today=today, dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymising"
        if not result.due:
            self.stdout.write(f"No case is past its retention date on {today:%Y-%m-%d}.")
            return
        for item in result.due:
            rows = ", ".join(f"{label} {count}" for label, count in sorted(item.rows.items()))
            self.stdout.write(
                f"{verb} {item.reference} (closed {item.closed_at:%Y-%m-%d}, kept "
                f"{item.policy_years} years to {item.ends_on:%Y-%m-%d}): rows {rows or 'none'}; "
                f"files {item.files}; links to revoke {item.links_to_revoke}"
            )
        if dry_run:
            self.stdout.write(f"Dry run: {len(result.due)} case(s) due; nothing was changed.")
            return
        for item, error in result.failed:
            self.stderr.write(f"Failed {item.reference}: {error} (left as it was)")
        self.stdout.write(
            f"Anonymised {len(result.anonymised)} case(s); {len(result.failed)} failed"
            + (f" (run {result.run.pk})." if result.run is not None else ".")
        )
        if result.failed:
            raise CommandError(f"{len(result.failed)} case(s) could not be anonymised")
