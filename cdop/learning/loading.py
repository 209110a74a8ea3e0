"""Loading the national list of learning themes (cdop/learning/reference/*.json). Used by the
data migrations, with the historical model they pass in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def themes_load(*, theme_model: Any, name: str) -> None:
    """Add the file's national themes; a theme already there (by slug) is left exactly as it
    is (with its tags), so loading a later list never undoes a change."""
    data = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    existing = set(theme_model.objects.filter(area__isnull=True).values_list("slug", flat=True))
    theme_model.objects.bulk_create(
        theme_model(
            area=None,
            slug=row["slug"],
            name=row["name"],
            description=row.get("description", ""),
            suggested_for=row.get("suggested_for", []),
            active=True,
        )
        for row in data["themes"]
        if row["slug"] not in existing
    )
