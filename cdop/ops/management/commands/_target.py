"""The database a backup command works on: the service's own, or one named by URL."""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.core.management.base import CommandParser
from django.db import connections

from cdop.ops.backup import Target


def add_target_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--database-url",
        default="",
        help="Work on this database instead of the service's own (DATABASE_URL), e.g. a "
        "fresh one to check that a backup restores: postgres://user@host:5432/name or "
        "sqlite:////path/to/file.sqlite3",
    )


def target_from_options(options: dict[str, Any]) -> Target:
    url = options.get("database_url") or ""
    if url:
        return dict(dj_database_url.parse(url))
    return connections["default"].settings_dict
