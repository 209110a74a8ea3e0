"""Database helpers shared by the steps of the process."""

from __future__ import annotations

import datetime
import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.utils import create_namedtuple_class
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

_turn_files: dict[str, int] = {}


@contextmanager
def write_turn() -> Iterator[None]:
    """On SQLite with a database file, wait for this process's turn to write on a file lock.

    SQLite lets one writer at a time; a second one that finds the lock taken sleeps in its
    busy handler (1, 2, 5, 10 ms…) however soon the lock is free again. Two app processes
    sending notifications at once collided often enough that the submit's median under load
    was about a fifth slower. The kernel wakes a process waiting on flock() as soon as the
    other lets go. It only orders the writers that use it: SQLite's own locking still keeps
    the database safe, and a writer that does not use it is never made to wait on it.
    """
    name = str(connection.settings_dict.get("NAME") or "")
    # Inside a caller's transaction this process may already hold SQLite's lock: waiting on
    # the file lock then could leave another process waiting on us while we wait on it.
    if connection.vendor != "sqlite" or not name or "memory" in name or connection.in_atomic_block:
        yield
        return
    fd = _turn_files.get(name)
    if fd is None:
        fd = _turn_files[name] = os.open(f"{name}-writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def ids_cte(name: str, ids: Sequence[int]) -> tuple[str, list[int]]:
    """`WITH name(id) AS (VALUES (%s), ...)`, and its parameters: a list of ids a query
    names once however many times it reads it (each `IN (SELECT id FROM name)`)."""
    rows = ", ".join(["(%s)"] * len(ids))
    return f"WITH {name}(id) AS (VALUES {rows})", [int(i) for i in ids]


def fetch_rows(sql: str, params: Sequence[Any], *, prepare: bool = False) -> list[tuple[Any, ...]]:
    """Rows of a fixed SQL statement (its text written in the code, never from input).

    For the few hot queries that run on every page of a list (the blockers of the cases
    shown): building a small query through the ORM costs about a millisecond of Python,
    several times what the database takes to answer it.

    prepare=True: on PostgreSQL, a prepared statement on this connection (made on the first
    run of the same text, then reused), for a statement whose planning costs more than its
    running: the blockers' six-branch union took 0.4 ms to plan and 0.3 ms to run. Only for
    statements whose plan does not depend on the values (a generic plan is used after five
    runs). Off with DATABASE_PREPARED_STATEMENTS=false (config/settings.py), for a pooler
    that cannot keep them."""
    if prepare and _preparing():
        return _fetch_prepared(sql, list(params))
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def _preparing() -> bool:
    options = connection.settings_dict.get("OPTIONS") or {}
    return connection.vendor == "postgresql" and bool(options.get("prepare_threshold"))


def queryset_rows_prepared(queryset: QuerySet[Any, Any], *, named: bool = False) -> list[Any]:
    """The rows of a values_list() queryset, as the queryset would give them (tuples, or
    named tuples with named=True), its SQL run as a prepared statement on PostgreSQL (see
    fetch_rows), the ORM's own converters applied (dates, encrypted fields). For a paged
    list whose statement the ORM builds and PostgreSQL spends longer planning than running
    (My work's tasks: 0.6 ms to plan, 0.3 to run). Elsewhere, the queryset as it is."""
    if not _preparing():
        return list(queryset)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    rows = compiler.results_iter(results=[fetch_rows(sql, params, prepare=True)])
    if not named:
        return [tuple(row) for row in rows]
    # Named as Django's own NamedValuesListIterable names them.
    query = queryset.query
    names = getattr(queryset, "_fields", ()) or [
        *query.extra_select,
        *query.values_select,
        *query.annotation_select,
    ]
    row_class = create_namedtuple_class(*names)
    return [row_class._make(row) for row in rows]


def _fetch_prepared(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Django's PostgreSQL cursors bind values in the client (they cannot prepare), so this
    runs on a server-binding cursor of the same connection, inside the same transaction,
    with the same error mapping, and is logged like any query (the query-count tests)."""
    import psycopg  # PostgreSQL only; never imported on SQLite

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = list(cursor.fetchall())
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- prepared, {params}", "time": f"{time.monotonic() - started:.3f}"}
        )
    return rows


def db_datetime(value: Any) -> datetime.datetime | None:
    """A timestamp read by fetch_rows, as the ORM would give it: aware, in UTC. SQLite gives
    a naive UTC datetime for a column, and text for an aggregate such as MIN()."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is None:
            raise ValueError("Not a timestamp")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value  # type: ignore[no-any-return]


def db_date(value: Any) -> datetime.date | None:
    """A date read by fetch_rows: SQLite gives text where it cannot tell the column's type
    (a column of a UNION whose first branch is an expression)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    parsed = parse_date(str(value)[:10])
    if parsed is None:
        raise ValueError("Not a date")
    return parsed
