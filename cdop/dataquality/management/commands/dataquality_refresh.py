"""Check the data quality of every open or recently finalised case again, and store the
scores the area pages read. Safe to repeat; run it from cron (every 15 minutes is cheap)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdop.areas.models import Area
from cdop.dataquality.services import quality_refresh


class Command(BaseCommand):
    help = "Recheck the data quality of the open and recently finalised cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", help="Slug of one area (default: every area)")

    def handle(self, *args: Any, **options: Any) -> None:
        area = None
        if options.get("area"):
            area = Area.objects.filter(slug=options["area"]).first()
            if area is None:
                raise CommandError(f"There is no area with the slug {options['area']!r}.")
        started = time.perf_counter()
        checked = quality_refresh(area=area)
        self.stdout.write(
            f"Checked {checked} case{'s' if checked != 1 else ''} "
            f"in {time.perf_counter() - started:.1f} s."
        )
