"""Loading the Analysis Form's reference lists (cdop/analysis/reference/*.json) into their
versioned tables. Used by the data migrations, with the historical models they pass in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def reference_load(
    *, version_model: Any, domain_model: Any, category_model: Any, name: str
) -> None:
    """Load one version file; a version already loaded is left exactly as it is."""
    data = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    if version_model.objects.filter(version=data["version"]).exists():
        return
    form_version = version_model.objects.create(
        version=data["version"],
        title=data["title"],
        introduced_on=date.fromisoformat(data["introduced_on"]),
        notes=data.get("notes", ""),
    )
    domain_model.objects.bulk_create(
        domain_model(
            form_version=form_version,
            position=position,
            code=row["code"],
            name=row["name"],
            hint=row.get("hint", ""),
        )
        for position, row in enumerate(data["domains"], start=1)
    )
    category_model.objects.bulk_create(
        category_model(
            form_version=form_version,
            position=position,
            code=row["code"],
            name=row["name"],
            hint=row.get("hint", ""),
            requires_unexpected=row.get("requires_unexpected", False),
        )
        for position, row in enumerate(data["categories"], start=1)
    )
