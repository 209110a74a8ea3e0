"""The migration that makes the audit log append-only must install on PostgreSQL too."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

migration = importlib.import_module("cdop.audit.migrations.0001_append_only")


class RecordingSchemaEditor:
    """Stands in for Django's schema editor and keeps what it was asked to run."""

    def __init__(self, vendor: str) -> None:
        self.connection = SimpleNamespace(vendor=vendor)
        self.calls: list[tuple[str, object]] = []

    def execute(self, sql: str, params: object = ()) -> None:
        self.calls.append((sql, params))


def test_the_postgresql_trigger_sql_is_not_mistaken_for_a_query_with_parameters():
    editor = RecordingSchemaEditor("postgresql")

    migration.forward(None, editor)

    (sql, params), *_ = editor.calls
    assert "RAISE EXCEPTION" in sql
    # Django's PostgreSQL editor merges parameters client-side unless params is None.
    assert "%" not in sql or params is None


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_each_database_gets_a_trigger_and_its_removal(vendor):
    forward, backward = RecordingSchemaEditor(vendor), RecordingSchemaEditor(vendor)

    migration.forward(None, forward)
    migration.reverse(None, backward)

    assert "CREATE TRIGGER cdop_audit_no_update" in forward.calls[0][0]
    assert "DROP TRIGGER IF EXISTS cdop_audit_no_update" in backward.calls[0][0]
