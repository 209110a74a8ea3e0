"""Why a case cannot move on: reasons other steps of the process report.

An app registers a provider in its AppConfig.ready(). A provider answers for many cases at
once: given case ids, it returns the blockers of those that have any. Examples: a post-mortem
report awaited; an inquest not yet held; agency forms outstanding. Blockers explain; guards
that refuse a transition use them through `case_blockers` so the explanation and the refusal
cannot disagree.

Most providers are a `BlockerQuery`: a piece of fixed SQL. Every list of cases shown asks for
its blockers (the case page, My work, Team work), so the pieces of all the providers are sent
as one statement, one round trip to the database however many steps report blockers. A
provider that needs more than SQL registers a plain function instead (one call each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cdop.core.db import fetch_rows, ids_cte


@dataclass(frozen=True)
class Blocker:
    kind: str  # stable key, for filters: "post_mortem_report", "inquest", "agency_forms"
    reason: str  # plain English for the person reading: "Waiting for the post-mortem report"
    since: date | None = None
    blocks: frozenset[str] = frozenset()  # transition names this blocker refuses, if any


BlockerProvider = Callable[[list[int]], dict[int, list[Blocker]]]
BlockerRow = tuple[Any, ...]


@dataclass(frozen=True)
class BlockerQuery:
    """A provider as fixed SQL: one SELECT (or several joined by UNION ALL) that reads the
    ids asked about from the common table `cases(id)` and gives rows of six columns:

        tag (text), case id, a date, a date, a timestamp, a whole number

    with NULL for the columns it has no use for. `tags` are the tags its rows carry (so
    each provider gets back its own rows), `params` its placeholders' values in order, and
    `build` turns its rows into blockers. Dates and timestamps come back as the driver gives
    them (SQLite: often text): read them with cdop.core.db.db_date and db_datetime."""

    sql: str
    tags: frozenset[str]
    build: Callable[[list[BlockerRow]], dict[int, list[Blocker]]]
    params: tuple[object, ...] = ()


_PROVIDERS: dict[str, BlockerProvider | BlockerQuery] = {}

# A first branch that gives no row and types every column, so that PostgreSQL can join the
# branches whatever NULLs the providers' own first rows hold.
_TYPED_HEAD = (
    "SELECT CAST(NULL AS text), CAST(NULL AS integer), CAST(NULL AS date), CAST(NULL AS date),"
    " CAST(NULL AS timestamp with time zone), CAST(NULL AS bigint) WHERE 1 = 0"
)


def blocker_provider_register(name: str, provider: BlockerProvider | BlockerQuery) -> None:
    _PROVIDERS[name] = provider


def blocker_queries_run(
    queries: Sequence[BlockerQuery], case_ids: Iterable[int]
) -> dict[int, list[Blocker]]:
    """The blockers the queries find for the cases, in one statement."""
    ids = list(case_ids)
    found: dict[int, list[Blocker]] = {}
    if not ids or not queries:
        return found
    cases, params = ids_cte("cases", ids)
    sql = " UNION ALL ".join([_TYPED_HEAD, *(f"{q.sql}" for q in queries)])
    values: list[object] = [*params]
    for query in queries:
        values.extend(query.params)
    rows = fetch_rows(f"{cases} {sql}", values, prepare=True)
    for query in queries:
        own = [row for row in rows if row[0] in query.tags]
        for case_id, blockers in query.build(own).items():
            found.setdefault(case_id, []).extend(blockers)
    return found


def blockers_for_cases(case_ids: Iterable[int]) -> dict[int, list[Blocker]]:
    ids = list(case_ids)
    found: dict[int, list[Blocker]] = {}
    if not ids:
        return found
    queries = [p for p in _PROVIDERS.values() if isinstance(p, BlockerQuery)]
    for case_id, blockers in blocker_queries_run(queries, ids).items():
        found.setdefault(case_id, []).extend(blockers)
    for provider in _PROVIDERS.values():
        if isinstance(provider, BlockerQuery):
            continue
        for case_id, blockers in provider(ids).items():
            found.setdefault(case_id, []).extend(blockers)
    return found


def case_blockers(case_id: int) -> list[Blocker]:
    return blockers_for_cases([case_id]).get(case_id, [])
