"""Make the audit log append-only in the database itself, not only in the application.

PostgreSQL refuses UPDATE and DELETE on audit rows. SQLite refuses UPDATE; it cannot refuse
DELETE without also breaking the test suite's table flush, so there the application is the
guard (nothing in it deletes audit rows, and the admin is read-only).
"""

from __future__ import annotations

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION cdop_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cdop_audit_no_update BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION cdop_audit_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS cdop_audit_no_update ON auditlog_logentry;
DROP FUNCTION IF EXISTS cdop_audit_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER cdop_audit_no_update BEFORE UPDATE ON auditlog_logentry
BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE refused'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS cdop_audit_no_update;"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]
    operations = [migrations.RunPython(forward, reverse)]
