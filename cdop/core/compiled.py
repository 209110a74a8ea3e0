"""Querysets turned into SQL once per connection, then run again with another value.

Django builds a query's SQL afresh every time it runs. For a small query that joins a few
tables that is most of its cost: 0.7 ms of Python to build one of the chronology's queries
against 0.2 ms for SQLite to answer it, and the chronology of one case asks 30 of them.
`compiled_rows(key, build, value)` builds the queryset once, with a marker where the value
goes, keeps Django's compiler and SQL for it on the connection, and afterwards only puts the
value in the parameters. The rows are the queryset's own, made by Django's own iterable:
model instances with their select_related objects, or values, converted as usual (dates,
encrypted fields).

Only for a queryset whose other parameters are fixed: the first time, it is built twice
with two different markers, and a statement that differs in anything but the markers (a
time, a user, a list that grows) is refused at once, never run stale.

`compiled_skipping_empty(name, value, base)` goes further for a page that asks many such
queries of one value, most of them finding nothing (a case's chronology asks thirty, and a
case early in its review has no meetings, letters, referrals or transfers): inside the
block, the queries it saw asked of a value before are first asked in one statement whether
they find any row (an EXISTS each), and those that find none are not run. A query not seen
before runs as usual and is in the next block's statement.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import Exists, QuerySet
from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")
V = TypeVar("V", int, str)

# Two values of each kind no row has (ids count up from 1; no reference looks like these):
# where the first shows in the parameters, the value goes. Never sent to the database.
MARKS: dict[type, tuple[Any, Any]] = {
    int: (-7_301_000_000_001, -7_301_000_000_002),
    str: ("~compiled-mark-1~", "~compiled-mark-2~"),
}


@dataclass(frozen=True)
class _Compiled:
    build: Callable[[Any], QuerySet[Any, Any]]
    queryset: QuerySet[Any, Any]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where the value goes in params
    converters: dict[int, Any]  # each column's converters (dates, encrypted fields)


def compiled_rows(key: str, build: Callable[[V], QuerySet[Any, T]], value: V) -> list[T]:
    """The rows of build(value), its SQL built once per connection under `key` (a name
    for the query in the code, e.g. "chronology.status": one key, one query shape). The
    value is an id or a string (a reference), always of the same type for a key."""
    skipping = _skipping.get()
    if skipping is not None and type(value) is type(skipping.value) and value == skipping.value:
        skipping.seen.add(key)
        if key in skipping.empty:
            return []
    store = _store("default")
    entry = store.get(key)
    if entry is None:
        entry = store[key] = _compile(key, build, MARKS[type(value)])
    params = list(entry.params)
    for slot in entry.slots:
        params[slot] = value
    ready = (entry.sql, tuple(params))
    compiler = copy.copy(entry.compiler)
    # Django's iterables ask the query for a compiler, the compiler for its SQL and then for
    # each column's converters: this one answers with those already made (its select and
    # klass_info are the first build's, filled when it was built).
    compiler.as_sql = lambda *args, **kwargs: ready  # type: ignore[method-assign]
    compiler.get_converters = lambda expressions: entry.converters  # type: ignore[method-assign]
    query = entry.queryset.query.clone()
    query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
    queryset = entry.queryset.all()
    queryset.query = query  # the setter makes a values() query give dicts: put back its own
    queryset._iterable_class = entry.queryset._iterable_class
    return list(queryset)


def _store(alias: str) -> dict[str, _Compiled]:
    # On the connection object: one per thread, and what it compiled is for its backend.
    wrapper = connections[alias]
    found: dict[str, _Compiled] | None = getattr(wrapper, "_cdop_compiled", None)
    if found is None:
        found = {}
        wrapper._cdop_compiled = found  # type: ignore[attr-defined]
    return found


def _compile(
    key: str, build: Callable[[Any], QuerySet[Any, Any]], marks: tuple[Any, Any]
) -> _Compiled:
    first, second = build(marks[0]), build(marks[1])
    if first.db != "default" or first._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise ImproperlyConfigured(f"{key}: only a default-database query without prefetches")
    compiler = first.query.get_compiler(using=first.db)
    try:
        sql, params = compiler.as_sql()
        other_sql, other_params = second.query.get_compiler(using=second.db).as_sql()
    except EmptyResultSet as error:
        raise ImproperlyConfigured(f"{key}: the query can never match anything") from error
    slots = tuple(i for i, p in enumerate(params) if p == marks[0])
    same_shape = (
        sql == other_sql
        and len(params) == len(other_params)
        and bool(slots)
        and all(
            (other_params[i] == marks[1]) if i in slots else (other_params[i] == p)
            for i, p in enumerate(params)
        )
    )
    if not same_shape:
        raise ImproperlyConfigured(
            f"{key}: its SQL must differ only in the value given (found other changes, or "
            "no place for the value): it cannot be built once and reused"
        )
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    return _Compiled(build, first, compiler, sql, tuple(params), slots, converters)


@dataclass
class _Skipping:
    value: Any
    empty: frozenset[str]  # the queries the block's statement found empty for the value
    seen: set[str] = field(default_factory=set)  # the queries the block asked of the value


_skipping: ContextVar[_Skipping | None] = ContextVar("compiled_skipping", default=None)


@contextmanager
def compiled_skipping_empty(
    name: str, value: V, base: Callable[[V], QuerySet[Any, Any]]
) -> Iterator[None]:
    """Inside the block, compiled_rows(key, build, value) gives [] without running the
    query when one statement, asked on entering, found that it has no row for this value.
    The statement asks about the queries earlier blocks of this name asked of their value
    on this connection; `base(value)` is a queryset of exactly one row to ask it on (the
    case, for a case's value)."""
    known: set[str] = _seen(name)
    empty = _empty_of(name, frozenset(known), value, base) if known else frozenset()
    skipping = _Skipping(value, empty)
    token = _skipping.set(skipping)
    try:
        yield
    finally:
        _skipping.reset(token)
        known |= skipping.seen


def _seen(name: str) -> set[str]:
    wrapper = connections["default"]
    seen: dict[str, set[str]] | None = getattr(wrapper, "_cdop_compiled_seen", None)
    if seen is None:
        seen = {}
        wrapper._cdop_compiled_seen = seen  # type: ignore[attr-defined]
    return seen.setdefault(name, set())


def _empty_of(
    name: str, keys: frozenset[str], value: Any, base: Callable[[Any], QuerySet[Any, Any]]
) -> frozenset[str]:
    store = _store("default")
    ordered = sorted(key for key in keys if key in store)
    if not ordered:
        return frozenset()

    def probe(marker: Any) -> QuerySet[Any, Any]:
        found = {f"q{i}": Exists(store[key].build(marker)) for i, key in enumerate(ordered)}
        asked: QuerySet[Any, Any] = base(marker).annotate(**found).values_list(*found)
        return asked

    rows = compiled_rows(f"{name}:any:{','.join(ordered)}", probe, value)
    if len(rows) != 1:
        return frozenset()  # not the one row the statement needs: run every query
    return frozenset(key for key, found in zip(ordered, rows[0], strict=True) if not found)
