"""Bulk export of an area's finalised cases for a period to NCMD, from the command line:

    manage.py ncmd_export --area llr --from 2025-04-01 --to 2026-03-31 [--basis finalised]

Without --from and --to, the NCMD year (1 April to 31 March) that today falls in.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cdop.areas.models import Area
from cdop.core.errors import DomainError
from cdop.ncmd.models import PeriodBasis
from cdop.ncmd.services import ncmd_bulk_now, year_to_31_march


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} must be a real date written as YYYY-MM-DD, for example 2026-03-31 "
            f"(not “{value}”)."
        ) from None


class Command(BaseCommand):
    help = "Send every finalised case of an area in a period to NCMD as one zip file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="The area's slug, for example llr")
        parser.add_argument("--from", dest="date_from", help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="Last day, YYYY-MM-DD")
        parser.add_argument(
            "--basis",
            choices=PeriodBasis.values,
            default=PeriodBasis.DATE_OF_DEATH,
            help="Which date falls in the period (default date_of_death)",
        )
        parser.add_argument(
            "--no-validate",
            action="store_true",
            help="Skip checking each document against the schema (faster; tests check it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(slug=options["area"]).first()
        if area is None:
            known = ", ".join(Area.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no area with the slug “{options['area']}”. Known areas: "
                f"{known or 'none'}."
            )
        date_from = _date(options["date_from"], "--from")
        date_to = _date(options["date_to"], "--to")
        if (date_from is None) != (date_to is None):
            raise CommandError("Give both --from and --to, or neither (the year to 31 March).")
        if date_from is None or date_to is None:
            date_from, date_to = year_to_31_march(timezone.localdate())
        started = time.perf_counter()
        try:
            result = ncmd_bulk_now(
                area=area,
                by=None,
                basis=options["basis"],
                date_from=date_from,
                date_to=date_to,
                validate=not options["no_validate"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        batch = result.batch
        self.stdout.write(
            f"Sent {result.cases} finalised case{'s' if result.cases != 1 else ''} of "
            f"{area.short_name} ({batch.get_basis_display().lower()} {date_from} to {date_to}) "
            f"as {batch.file_name} ({batch.size_bytes} bytes, SHA-256 {batch.sha256}) in "
            f"{time.perf_counter() - started:.1f} s."
        )
