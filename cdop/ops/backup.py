"""Backing up and restoring the whole database, and fingerprinting it to prove a restore.

SQLite: SQLite's online backup API (sqlite3.Connection.backup), which copies a consistent
snapshot while the service goes on reading and writing. PostgreSQL: `pg_dump -Fc` (one
consistent snapshot, taken without stopping the service) and `pg_restore`, fed to psql in
one transaction, so a restore that fails leaves the target as it was.

A target is a Django database settings dict (`connections["default"].settings_dict`, or
one parsed from a DATABASE_URL), so a backup can be restored into a fresh database to check
it without touching the one in service.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRES_ENGINE = "django.db.backends.postgresql"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"

Target = Mapping[str, Any]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def engine_of(target: Target) -> str:
    engine = str(target.get("ENGINE", ""))
    if engine in (SQLITE_ENGINE, "django.db.backends.sqlite3"):
        return "sqlite"
    if engine.startswith("django.db.backends.postgresql"):
        return "postgresql"
    raise BackupError(f"Backups are supported on SQLite and PostgreSQL, not {engine}.")


def _sqlite_connect(target: Target) -> sqlite3.Connection:
    name = str(target["NAME"])
    # A test database in memory is a shared-cache URI ("file:memorydb_...?mode=memory...").
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _pg_env(target: Target) -> dict[str, str]:
    """libpq's variables for pg_dump, pg_restore and psql: no password on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if target.get(key):
            env[var] = str(target[key])
    if target.get("PASSWORD"):
        env["PGPASSWORD"] = str(target["PASSWORD"])
    env["PGDATABASE"] = str(target["NAME"])
    return env


def _pg_connect(target: Target, dbname: str | None = None) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=str(target.get("HOST") or "") or None,
        port=str(target.get("PORT") or "") or None,
        user=str(target.get("USER") or "") or None,
        password=str(target.get("PASSWORD") or "") or None,
        dbname=dbname or str(target["NAME"]),
        autocommit=True,
    )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on the PATH. Install the PostgreSQL client tools of the "
            "server's major version (Debian: postgresql-client)."
        )
    return path


def _run(command: list[str], env: dict[str, str], **kwargs: Any) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)  # noqa: S603
    if completed.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed (exit {completed.returncode}): "
            f"{completed.stderr.strip()[-2000:]}"
        )


# --- Backup --------------------------------------------------------------------------------


def database_backup(*, target: Target, path: Path) -> int:
    """Write a backup of `target` to `path` (written beside it, then renamed, so a backup cut
    short never leaves a file that looks whole); its size in bytes."""
    engine = engine_of(target)
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine == "sqlite":
            with (
                closing(_sqlite_connect(target)) as source,
                closing(sqlite3.connect(partial)) as copy,
            ):
                source.backup(copy)
        else:
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial)],
                _pg_env(target),
            )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


# --- Restore -------------------------------------------------------------------------------


def backup_engine(path: Path) -> str:
    """Which database a backup file is from, by its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise BackupError(f"There is no backup file at {path}.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a backup made by `manage.py backup` (neither a SQLite database "
        "nor a pg_dump custom-format archive)."
    )


def database_table_names(target: Target) -> list[str]:
    """The tables in `target` (none: a fresh, empty database)."""
    if engine_of(target) == "sqlite":
        with closing(_sqlite_connect(target)) as db:
            rows = db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).fetchall()
    else:
        with _pg_connect(target) as db:
            rows = db.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                "AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
    return [str(row[0]) for row in rows]


def database_restore(*, target: Target, path: Path, force: bool = False) -> None:
    """Replace `target` with the backup at `path`.

    Refuses a target that has any table unless `force`: restoring over a database in
    service loses everything written since the backup. On PostgreSQL the schema is dropped
    and the backup loaded in one transaction; on SQLite the backup API writes every page of
    the target in one step. Either way a failure leaves the target as it was.
    """
    engine = engine_of(target)
    from_engine = backup_engine(path)
    if from_engine != engine:
        raise BackupError(
            f"{path} is a {from_engine} backup; it cannot be restored into a {engine} database."
        )
    tables = database_table_names(target)
    if tables and not force:
        raise BackupError(
            f"The target database is not empty ({len(tables)} tables). Restore into a fresh "
            "database, or add --force to replace everything in this one with the backup."
        )
    if engine == "sqlite":
        with closing(sqlite3.connect(path)) as source, closing(_sqlite_connect(target)) as dest:
            source.backup(dest)
        return
    with _restore_script(path) as script:
        _run(
            [
                _tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--set",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "--command",
                "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
                "--file",
                str(script),
            ],
            _pg_env(target),
        )


@contextmanager
def _restore_script(path: Path) -> Iterator[Path]:
    """The archive as an SQL script (pg_restore's own output), in a private temporary file."""
    with tempfile.TemporaryDirectory(prefix="cdop-restore-") as folder:
        script = Path(folder) / "restore.sql"
        _run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-acl",
                "--file",
                str(script),
                str(path),
            ],
            dict(os.environ),
        )
        yield script


# --- Fingerprints: proving a restore has every row ----------------------------------------


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    checksum: str


def _primary_key(target: Target, db: Any, table: str) -> list[str]:
    if engine_of(target) == "sqlite":
        info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
        return [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
    schema, _, name = table.partition(".")
    rows = db.execute(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = (quote_ident(%s) || '.' || quote_ident(%s))::regclass "
        "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
        [schema, name],
    ).fetchall()
    return [row[0] for row in rows]


def _quote_table(target: Target, table: str) -> str:
    if engine_of(target) == "sqlite":
        return '"' + table.replace('"', '""') + '"'
    return ".".join('"' + part.replace('"', '""') + '"' for part in table.split(".", 1))


def _normalise(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    return repr(value)


def database_fingerprint(target: Target) -> dict[str, TableFingerprint]:
    """Every table's row count and a SHA-256 of its rows read in primary-key order (all the
    columns' order for a table without one). Two databases with equal fingerprints hold the
    same rows; compare fingerprints of the same engine."""
    tables = database_table_names(target)
    result: dict[str, TableFingerprint] = {}
    if engine_of(target) == "sqlite":
        connect: Any = lambda: closing(_sqlite_connect(target))  # noqa: E731
    else:
        connect = lambda: _pg_connect(target)  # noqa: E731
    with connect() as db:
        for table in tables:
            key = _primary_key(target, db, table)
            cursor = db.execute(f"SELECT * FROM {_quote_table(target, table)} LIMIT 0")  # noqa: S608
            columns = len(cursor.description or ())
            order = ", ".join(f'"{c}"' for c in key) or ", ".join(
                str(i) for i in range(1, columns + 1)
            )
            digest = hashlib.sha256()
            count = 0
            cursor = db.execute(
                f"SELECT * FROM {_quote_table(target, table)} ORDER BY {order}"  # noqa: S608
            )
            while batch := cursor.fetchmany(1000):
                for row in batch:
                    digest.update(("\x1f".join(_normalise(v) for v in row) + "\x1e").encode())
                    count += 1
            # The schema qualifier is PostgreSQL's; compare by the table's own name.
            result[table.split(".", 1)[-1] if table.startswith("public.") else table] = (
                TableFingerprint(rows=count, checksum=digest.hexdigest())
            )
    return result


def fingerprint_differences(
    left: Mapping[str, TableFingerprint], right: Mapping[str, TableFingerprint]
) -> list[str]:
    """Readable lines for every table that differs, is missing, or is extra."""
    lines: list[str] = []
    for table in sorted(set(left) | set(right)):
        a, b = left.get(table), right.get(table)
        if a is None:
            lines.append(f"{table}: only in the second database ({b.rows if b else 0} rows)")
        elif b is None:
            lines.append(f"{table}: only in the first database ({a.rows} rows)")
        elif a != b:
            lines.append(
                f"{table}: {a.rows} rows ({a.checksum[:12]}) against {b.rows} rows "
                f"({b.checksum[:12]})"
            )
    return lines
