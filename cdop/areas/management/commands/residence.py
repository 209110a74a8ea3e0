"""Show how a postcode is decided: its councils and which panel reviews.

    manage.py residence "LE1 5WW" [--area llr]

Reads the local postcode table only; nothing is sent anywhere.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdop.areas.models import Area, LocalAuthority
from cdop.areas.residence import residence_decide
from cdop.notifications.reference import ResidenceStatus


class Command(BaseCommand):
    help = "Decide where a child lived from a postcode, as seen by one area (default: llr)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("postcode", help='The postcode, any spacing: "LE1 5WW".')
        parser.add_argument("--area", default="llr", help="The receiving area's slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(slug=options["area"]).first()
        if area is None:
            slugs = ", ".join(Area.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No area “{options['area']}”. Areas: {slugs or 'none'}.")
        decision = residence_decide(postcode=options["postcode"], home_area=area)
        names = dict(
            LocalAuthority.objects.filter(
                ons_code__in=[decision.lower_code, decision.upper_code]
            ).values_list("ons_code", "name")
        )

        def council(code: str) -> str:
            if not code:
                return "-"
            return f"{code} {names[code]}" if code in names else code

        lines = [
            ("Lower tier", council(decision.lower_code)),
            ("Upper tier", council(decision.upper_code)),
            ("Decision", f"{ResidenceStatus(decision.status).label} ({decision.status})"),
            ("Reviewing area", decision.area.name if decision.area else "-"),
            ("Seen from", area.name),
            ("Why", decision.explanation),
        ]
        for label, value in lines:
            self.stdout.write(f"{label + ':':<16}{value}")
