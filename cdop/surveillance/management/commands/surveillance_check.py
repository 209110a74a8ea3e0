from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cdop.areas.models import Area
from cdop.surveillance import rules
from cdop.surveillance.services import surveillance_check


class Command(BaseCommand):
    help = (
        "Test every watched group of deaths in each area against the area's history, and "
        "email the area's CDR managers when one is unusual (red). For cron, daily; safe to "
        "run again: each group's alert goes once per window."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--window",
            type=int,
            default=rules.DEFAULT_WINDOW_DAYS,
            help=f"Recent window in days: one of {', '.join(map(str, rules.WINDOW_CHOICES))}",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=rules.DEFAULT_HISTORY_YEARS,
            help="Years of history to compare with (at most; what exists is used)",
        )
        parser.add_argument("--area", help="Only this area (its slug, for example llr)")

    def handle(self, *args: Any, **options: Any) -> None:
        window = options["window"]
        years = options["years"]
        if window not in rules.WINDOW_CHOICES:
            raise CommandError(
                f"--window must be one of {', '.join(map(str, rules.WINDOW_CHOICES))}"
            )
        if years not in rules.HISTORY_YEAR_CHOICES:
            raise CommandError(
                f"--years must be one of {', '.join(map(str, rules.HISTORY_YEAR_CHOICES))}"
            )
        slug = options.get("area")
        if slug and not Area.objects.filter(slug=slug).exists():
            raise CommandError(f"There is no area {slug!r}")
        result = surveillance_check(window_days=window, years=years, area_slug=slug)
        self.stdout.write(
            f"Areas checked: {result.areas}; unusual groups: {len(result.red)}; "
            f"alerts sent: {len(result.sent)}"
            + (f"; not enough history: {', '.join(result.no_history)}" if result.no_history else "")
            + "."
        )
