"""The migration that lets the retention job redact audit entries: it keeps the log
append-only otherwise, and reversing it gives back cdop.audit's trigger exactly."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

ours = importlib.import_module("cdop.retention.migrations.0002_audit_redaction_permit")
audit = importlib.import_module("cdop.audit.migrations.0001_append_only")


class RecordingSchemaEditor:
    def __init__(self, vendor: str) -> None:
        self.connection = SimpleNamespace(vendor=vendor)
        self.calls: list[tuple[str, object]] = []

    def execute(self, sql: str, params: object = ()) -> None:
        self.calls.append((sql, params))


def squeeze(sql: str) -> str:
    return " ".join(sql.split())


def test_the_new_trigger_still_refuses_deletes_and_needs_a_permit() -> None:
    editor = RecordingSchemaEditor("postgresql")
    ours.forward(None, editor)
    (sql, params), *_ = editor.calls
    assert params is None  # its % must not be taken for a parameter
    assert "EXISTS (SELECT 1 FROM retention_redactionpermit)" in sql
    assert "TG_OP = 'UPDATE'" in sql
    assert "NEW.timestamp IS NOT DISTINCT FROM OLD.timestamp" in sql
    assert "% refused" in sql


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_reversing_restores_the_audit_apps_trigger(vendor: str) -> None:
    original, restored = RecordingSchemaEditor(vendor), RecordingSchemaEditor(vendor)
    audit.forward(None, original)
    ours.reverse(None, restored)
    original_sql = squeeze(original.calls[-1][0])
    restored_sql = squeeze(restored.calls[-1][0])
    if vendor == "postgresql":
        # cdop.audit creates the function and the trigger; we only replaced the function.
        assert original_sql.startswith(restored_sql)
    else:
        assert restored_sql == original_sql
