"""`manage.py backup` and `restore`: a backup restored into a fresh database holds every row
of every table, on the engine the suite runs on (SQLite, or PostgreSQL with a scratch
database made and dropped here). A non-empty target is refused without --force."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import QuerySet

from cdop.accounts.models import Role
from cdop.actions.tests.factories import ActionFactory, OrganisationFactory
from cdop.areas.models import Area
from cdop.audit.services import audit_actor
from cdop.core.tests.factories import CaseFactory, MembershipFactory, UserFactory
from cdop.notifications.models import Notification
from cdop.notifications.services import notification_submit
from cdop.ops.backup import (
    database_fingerprint,
    database_table_names,
    fingerprint_differences,
)
from cdop.ops.tests.helpers import synthetic_details
from cdop.work.tests.factories import TaskFactory

# Committed for real: pg_dump and SQLite's backup read what another connection has
# committed. serialized_rollback puts back the rows the data migrations seeded (the LLR
# area, the national lists) after the flush, for the tests that come later.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def service_data() -> dict[str, int]:
    """Rows in many tables through the real paths: notifications as the form sends them
    (with their audit entries, queued jobs and, the test backend being immediate, JAR
    tasks), a case with an action, staff with roles, and audited edits."""
    llr = Area.objects.get(slug="llr")
    alice = UserFactory(email="alice.backup@example.invalid", full_name="Alice Backup")
    MembershipFactory(user=alice, area=llr, role=Role.CDR_MANAGER)
    for n in range(3):
        notification_submit(area=llr, submission_token=uuid.uuid4(), details=synthetic_details(n))
    case = CaseFactory(area=llr)
    ActionFactory(case=case, created_by=alice)
    OrganisationFactory(area=llr)
    TaskFactory(area=llr, case=case)
    with audit_actor(alice):
        case.child_first_name = "Oliver-James"
        case.save()
    return {
        "notifications": Notification.objects.count(),
        "audit": LogEntry.objects.count(),
    }


@pytest.fixture
def fresh_target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the suite's engine, dropped afterwards."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {"ENGINE": source["ENGINE"], "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    name = f"{source['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = {
        "host": source.get("HOST") or None,
        "port": str(source.get("PORT") or "") or None,
        "user": source.get("USER") or None,
        "password": source.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**source, "NAME": name}
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(target: dict[str, Any]) -> str:
    if target["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{target['NAME']}"
    user = target.get("USER") or "postgres"
    password = f":{target['PASSWORD']}" if target.get("PASSWORD") else ""
    host = target.get("HOST") or "127.0.0.1"
    port = target.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{target['NAME']}"


def _model_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_backup_restores_into_a_fresh_database_with_every_row_of_every_table(
    service_data: dict[str, int], fresh_target: dict[str, Any], tmp_path: Path
) -> None:
    backup = tmp_path / "nested" / "cdop.backup"

    call_command("backup", str(backup), verbosity=0)
    assert backup.stat().st_size > 0
    assert not backup.with_name("cdop.backup.partial").exists()
    assert database_table_names(fresh_target) == []

    call_command("restore", str(backup), database_url=_url(fresh_target), verbosity=0)

    source = database_fingerprint(connection.settings_dict)
    restored = database_fingerprint(fresh_target)
    assert fingerprint_differences(source, restored) == []
    # Every model's table (auditlog's and django-tasks' included) was compared, with rows.
    assert _model_tables() <= set(source)
    assert LogEntry._meta.db_table in source
    assert source[Notification._meta.db_table].rows == service_data["notifications"] >= 3
    assert source[LogEntry._meta.db_table].rows == service_data["audit"] > 0
    assert source["django_migrations"].rows > 0


def _opstest1() -> QuerySet[Notification]:
    # Names are encrypted at rest, so the database cannot pick a row by one: read them.
    pks = [n.pk for n in Notification.objects.all() if n.child_last_name == "Opstest1"]
    return Notification.objects.filter(pk__in=pks)


def test_the_comparison_notices_a_changed_row(
    service_data: dict[str, int], fresh_target: dict[str, Any], tmp_path: Path
) -> None:
    backup = tmp_path / "cdop.backup"
    call_command("backup", str(backup), verbosity=0)
    call_command("restore", str(backup), database_url=_url(fresh_target), verbosity=0)

    _opstest1().update(child_first_name="Ava")

    differences = fingerprint_differences(
        database_fingerprint(connection.settings_dict), database_fingerprint(fresh_target)
    )
    assert len(differences) == 1
    assert differences[0].startswith(f"{Notification._meta.db_table}: ")


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    service_data: dict[str, int], fresh_target: dict[str, Any], tmp_path: Path
) -> None:
    backup = tmp_path / "cdop.backup"
    call_command("backup", str(backup), verbosity=0)
    call_command("restore", str(backup), database_url=_url(fresh_target), verbosity=0)
    before = database_fingerprint(fresh_target)

    # The service's own database is not empty: refused, and nothing changes in it.
    with pytest.raises(CommandError, match=r"not empty .*--force"):
        call_command("restore", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), database_url=_url(fresh_target), verbosity=0)

    # Forced: the target becomes the backup, whatever it held.
    _opstest1().update(child_first_name="Ava")
    call_command("backup", str(tmp_path / "changed.backup"), verbosity=0)
    call_command(
        "restore",
        str(tmp_path / "changed.backup"),
        database_url=_url(fresh_target),
        force=True,
        verbosity=0,
    )
    changed = database_fingerprint(fresh_target)
    assert fingerprint_differences(database_fingerprint(connection.settings_dict), changed) == []
    assert fingerprint_differences(before, changed) != []
    call_command("restore", str(backup), database_url=_url(fresh_target), force=True, verbosity=0)
    assert fingerprint_differences(before, database_fingerprint(fresh_target)) == []


def test_restore_refuses_a_file_that_is_not_a_backup(
    fresh_target: dict[str, Any], tmp_path: Path
) -> None:
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("minutes of the panel")
    with pytest.raises(CommandError, match=re.escape("is not a backup made by `manage.py backup`")):
        call_command("restore", str(not_a_backup), database_url=_url(fresh_target))
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore", str(tmp_path / "missing.backup"), database_url=_url(fresh_target))


def test_restore_refuses_a_backup_of_the_other_engine(
    fresh_target: dict[str, Any], tmp_path: Path
) -> None:
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
        expected = "is a postgresql backup; it cannot be restored into a sqlite database"
    else:
        other.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
        expected = "is a sqlite backup; it cannot be restored into a postgresql database"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other), database_url=_url(fresh_target))


def test_db_fingerprint_prints_a_line_per_table(
    service_data: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("db_fingerprint")
    lines = {
        line.split("\t")[0]: line.split("\t")[1:] for line in capsys.readouterr().out.splitlines()
    }
    rows, checksum = lines[Notification._meta.db_table]
    assert int(rows) == service_data["notifications"]
    assert len(checksum) == 64
