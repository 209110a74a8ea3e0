"""The national forms as JSON files in cdop/formdefs/definitions/, loaded as data.

Loading is idempotent: a file whose content matches the latest version of its code adds
nothing; a changed file adds the next version, and every earlier version stays, so returns
keep the version they were completed on. Used by a data migration (with the historical model)
and by `manage.py load_form_definitions`.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from cdop.formdefs.schema import schema_validate, suggest_when_validate

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
CONTENT_FIELDS = ("kind", "title", "description", "schema", "suggest_when", "status_confirmed")


def definition_files() -> list[dict[str, Any]]:
    """Every definition file, checked; a malformed one stops the load with its name."""
    found = []
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            schema_validate(data.get("schema"))
            suggest_when_validate(data.get("suggest_when", {}))
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from error
        found.append(data)
    return found


def definitions_load(*, model: Any, now: datetime.datetime) -> list[Any]:
    """Add a new published version for each file that differs from its latest version.
    `model` is FormDefinition (or its historical version in a migration)."""
    added = []
    for data in definition_files():
        latest = model.objects.filter(code=data["code"]).order_by("-version").first()
        content = {
            name: data.get(name, {} if name == "suggest_when" else "") for name in CONTENT_FIELDS
        }
        content["status_confirmed"] = bool(data.get("status_confirmed", False))
        if latest is not None and all(
            getattr(latest, name) == value for name, value in content.items()
        ):
            continue
        added.append(
            model.objects.create(
                code=data["code"],
                version=(latest.version + 1) if latest else 1,
                published_at=now,
                **content,
            )
        )
    return added
