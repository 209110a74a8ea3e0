"""The published JSON Schema of one case's export (schemas/ncmd/), and checking against it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_VERSION = "1.0.0"
SCHEMA_FILE = "case-export-v1.json"


def schema_path() -> Path:
    return Path(settings.BASE_DIR) / "schemas" / "ncmd" / SCHEMA_FILE


@cache
def schema_load() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    schema = schema_load()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Every way the document breaks the schema, as 'path: message' lines (none: valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}"
        for error in sorted(
            _validator().iter_errors(document), key=lambda e: [str(p) for p in e.path]
        )
    ]
