from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cdop.formdefs.loading import definitions_load
from cdop.formdefs.models import FormDefinition


class Command(BaseCommand):
    help = (
        "Load the form definitions in cdop/formdefs/definitions/: a changed file becomes "
        "the next version; unchanged files add nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            added = definitions_load(model=FormDefinition, now=timezone.now())
        for definition in added:
            self.stdout.write(f"Published {definition.code} version {definition.version}")
        if not added:
            self.stdout.write("Every form definition is up to date")
