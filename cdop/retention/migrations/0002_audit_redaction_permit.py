"""Let the retention job redact the audit log's history of an anonymised case, and nothing
else change it.

The audit log is append-only (cdop.audit migration 0001): a trigger refuses every UPDATE
(and, on PostgreSQL, DELETE). Anonymising a case must not leave the old names in the
`changes` of its rows' entries, so this replaces the trigger with one that allows an UPDATE
only when:

- a row exists in retention_redactionpermit: cdop.retention.services.log_entries_redact
  inserts one and deletes it in the same transaction, so it is never committed and no other
  transaction can see it; and
- only the description of the change is rewritten (changes, changes_text, object_repr,
  serialized_data, additional_data): who did what to which row, and when, cannot change.

DELETE stays refused. Reversing restores cdop.audit's trigger exactly.
"""

from __future__ import annotations

from django.db import migrations

KEPT = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "action",
    "actor_id",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "actor_email",
)

PG_FORWARD = """
CREATE OR REPLACE FUNCTION cdop_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND EXISTS (SELECT 1 FROM retention_redactionpermit)
       AND %s
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
""" % " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in KEPT)

PG_REVERSE = """
CREATE OR REPLACE FUNCTION cdop_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_FORWARD = (
    "DROP TRIGGER IF EXISTS cdop_audit_no_update;",
    """
CREATE TRIGGER cdop_audit_no_update BEFORE UPDATE ON auditlog_logentry
WHEN NOT (EXISTS (SELECT 1 FROM retention_redactionpermit) AND %s)
BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE refused'); END;
"""
    % " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT),
)
SQLITE_REVERSE = (
    "DROP TRIGGER IF EXISTS cdop_audit_no_update;",
    """
CREATE TRIGGER cdop_audit_no_update BEFORE UPDATE ON auditlog_logentry
BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE refused'); END;
""",
)


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("audit", "0001_append_only"),
    ]
    operations = [migrations.RunPython(forward, reverse)]
