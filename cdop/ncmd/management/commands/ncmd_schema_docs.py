"""Write docs/ncmd-export.md from the published schema, so the documentation of every
field and code cannot drift from the schema itself. --check fails if the file differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdop.ncmd.docs import schema_markdown


class Command(BaseCommand):
    help = "Write docs/ncmd-export.md from schemas/ncmd/case-export-v1.json (--check: compare)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Fail if the committed file is out of date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(settings.BASE_DIR) / "docs" / "ncmd-export.md"
        text = schema_markdown()
        if options["check"]:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                raise CommandError(
                    "docs/ncmd-export.md is out of date: run `manage.py ncmd_schema_docs`."
                )
            self.stdout.write("docs/ncmd-export.md is up to date.")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {target.relative_to(settings.BASE_DIR)}.")
