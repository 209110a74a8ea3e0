from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cdop.agencies.demo import demo_directory_load
from cdop.areas.models import Area


class Command(BaseCommand):
    help = "Add synthetic agencies and contacts to an area's directory (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", default="llr", help="The area's slug (default: llr).")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(slug=options["area"]).first()
        if area is None:
            raise CommandError(f"No area with the slug {options['area']!r}.")
        with transaction.atomic():
            orgs, contacts = demo_directory_load(area=area)
        self.stdout.write(f"Added {orgs} organisations and {contacts} contacts to {area.name}.")
