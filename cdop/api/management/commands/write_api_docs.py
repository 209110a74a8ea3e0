"""Write docs/api.md from the OpenAPI schema, so that the repository's copy of the API
reference says what the running service does. A test fails when it is out of date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from cdop.api.docs import api_markdown


class Command(BaseCommand):
    help = "Write docs/api.md from the API's OpenAPI schema"

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "api.md"
        path.write_text(api_markdown())
        self.stdout.write(f"Wrote {path}")
