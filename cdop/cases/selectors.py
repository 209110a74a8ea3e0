from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import connection
from django.db.models import BooleanField, Count, IntegerField, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Membership, Role, User
from cdop.cases.models import Case, CaseNameStart, CaseTransition
from cdop.cases.presenters import LIST_COLUMNS
from cdop.cases.search import (
    MIN_PREFIX,
    START_KEY_LIMIT,
    SearchKeys,
    SearchQuery,
    case_search_keys,
    start_key,
)
from cdop.cases.totals import area_totals
from cdop.cases.workflow import OPEN, Status, Transition, transitions_from
from cdop.clocks.selectors import DUE_SOON_DAYS
from cdop.core.compiled import compiled_rows
from cdop.core.crypto import decrypt, index_of
from cdop.core.db import db_date, db_datetime, fetch_rows
from cdop.notifications.duplicates import normalise_name


class ClockFilter:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"
    CHOICES = (
        (OVERDUE, "Overdue"),
        (DUE_SOON, f"Due in the next {DUE_SOON_DAYS} days"),
        (ON_TIME, "Nothing overdue"),
    )


NO_KEY_WORKER = "none"

# Each sort: its label and the columns, always ending in the primary key so that the order
# of a page is stable and every sort can be read off an index of the list. There is no sort
# by surname: names are encrypted at rest, so the database cannot order by them (decision
# in docs/decisions.md); a search by name finds a child instead.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "opened": ("Opened, newest first", ("-opened_at", "-pk")),
    "opened_oldest": ("Opened, oldest first", ("opened_at", "pk")),
    "death": ("Date of death, most recent first", ("-date_of_death", "-pk")),
    "death_oldest": ("Date of death, oldest first", ("date_of_death", "pk")),
    "reference": ("Reference", ("reference", "pk")),
    "stage": ("Stage", ("stage_position", "-opened_at", "-pk")),
}
DEFAULT_SORT = "opened"


@dataclass(frozen=True, kw_only=True)
class CaseListFilters:
    """What the case list is narrowed to, as chosen on the page (all optional)."""

    search: SearchQuery | None = None
    statuses: Sequence[str] = ()
    clock: str = ""
    key_worker: str = ""  # a user's id, NO_KEY_WORKER, or "" for anyone
    expectedness: str = ""
    year: int | None = None  # calendar year of death
    reporting_year: int | None = None  # the year from 1 April of this year to 31 March
    sort: str = DEFAULT_SORT


Side = Literal["first", "last"]


@dataclass(frozen=True)
class _Where:
    """A condition on the case table's own columns as SQL text and its values (a name
    search's exact match, which ranks the rows). The text holds only column and table
    names; every value is a parameter."""

    sql: str
    params: tuple[object, ...] = ()

    def __or__(self, other: _Where) -> _Where:
        return _Where(f"({self.sql} OR {other.sql})", self.params + other.params)

    def __and__(self, other: _Where) -> _Where:
        return _Where(f"({self.sql} AND {other.sql})", self.params + other.params)

    def expression(self, output_field: Any) -> RawSQL:
        # Only column and table names are in the text; values are parameters.
        return RawSQL(self.sql, self.params, output_field=output_field)  # noqa: S611


@dataclass(frozen=True)
class _Ids:
    """A set of case ids as a SELECT of one column, `id`: what a name search matches.

    Either way of matching a word (its start, its sound) is a lookup in an index of its
    own, so "either" is a UNION of the sets and "both" an INTERSECT, and the search asks
    for the cases whose id is in the result. Written as one OR of conditions instead, with
    the starts' subqueries among them, PostgreSQL could use none of the indexes and read
    every case of the area (12 ms at 20,000 cases). Written as SQL, not Q objects: their
    building and compiling cost more than the database took to answer (about 0.8 ms).
    The text holds only column and table names; every value is a parameter."""

    sql: str
    params: tuple[object, ...] = ()

    def __or__(self, other: _Ids) -> _Ids:
        return _Ids(
            f"SELECT id FROM ({self.sql} UNION {other.sql}) AS either",  # noqa: S608
            self.params + other.params,
        )

    def __and__(self, other: _Ids) -> _Ids:
        return _Ids(
            f"SELECT id FROM ({self.sql} INTERSECT {other.sql}) AS both_",  # noqa: S608
            self.params + other.params,
        )

    def contains_case(self) -> RawSQL:
        """The condition on the case table: its id is in the set. On PostgreSQL the set is
        made once into an array and the cases are read by id off the primary key: with
        `IN (subquery)` its planner hash-joined the set with every case of the area once
        it expected more than a few hundred (a three-letter search: 13 ms at 20,000
        cases, 1.5 ms this way). SQLite reads `IN (subquery)` by id already."""
        if connection.vendor == "postgresql":
            sql = f"{_column('id')} = ANY(ARRAY({self.sql}))"
        else:
            sql = f"{_column('id')} IN ({self.sql})"
        return _Where(sql, self.params).expression(BooleanField())


def _column(name: str) -> str:
    quote = connection.ops.quote_name
    return f"{quote(Case._meta.db_table)}.{quote(name)}"


def _equals(column: str, value: object) -> _Where:
    return _Where(f"{_column(column)} = %s", (value,))


@dataclass(frozen=True)
class _Sets:
    """Makes the id sets of a search in the areas the searcher reads (each set is read
    off an index that starts with the area)."""

    areas: tuple[int, ...]

    def equal(self, column: str, value: object) -> _Ids:
        quote = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(self.areas)) or "NULL"
        return _Ids(
            f"SELECT id FROM {quote(Case._meta.db_table)}"  # noqa: S608 - names only
            f" WHERE {quote('area_id')} IN ({marks}) AND {quote(column)} = %s",
            (*self.areas, value),
        )

    def starting(self, key: str) -> _Ids:
        quote = connection.ops.quote_name
        return _Ids(
            f"SELECT {quote('case_id')} AS id FROM"  # noqa: S608 - names only
            f" {quote(CaseNameStart._meta.db_table)} WHERE {quote('key')} = %s",
            (key,),
        )

    def among(self, ids: Sequence[int]) -> _Ids:
        table = connection.ops.quote_name(Case._meta.db_table)
        if not ids:
            return _Ids(f"SELECT id FROM {table} WHERE 1 = 0")  # noqa: S608 - names only
        marks = ", ".join(["%s"] * len(ids))
        return _Ids(f"SELECT id FROM {table} WHERE id IN ({marks})", tuple(ids))  # noqa: S608


class _Starts:
    """Which cases' names start with what was typed, where that is longer than MIN_PREFIX
    letters. Up to START_KEY_LIMIT letters it is a key of CaseNameStart, looked up in a
    subquery of the search's own statement: no query more, nothing decrypted. A longer
    start (seldom typed) is narrowed to the cases sharing its first START_KEY_LIMIT
    letters' key and the rest is checked here on their decrypted names: one query for the
    whole search, however many such words were typed."""

    def __init__(self, cases: QuerySet[Case], words: Sequence[SearchKeys], sets: _Sets) -> None:
        self._sets = sets
        longer = {
            (side, text)
            for word in words
            for side, text in (("first", word.first_text), ("last", word.last_text))
            if len(text) > START_KEY_LIMIT
        }
        self._ids: dict[tuple[str, str], list[int]] = {key: [] for key in longer}
        if not longer:
            return
        keys = [sets.starting(start_key(side, text)) for side, text in sorted(longer)]
        narrow = functools.reduce(operator.or_, keys)
        rows = (
            cases.filter(narrow.contains_case())
            .order_by()
            .values_list("pk", "child_first_name", "child_last_name")
        )
        for pk, first, last in rows:
            names = {"first": normalise_name(first), "last": normalise_name(last)}
            for side, text in longer:
                if names[side].startswith(text):
                    self._ids[(side, text)].append(pk)

    def condition(self, side: Side, word: SearchKeys) -> _Ids:
        """The cases whose first name (or surname) starts with the word."""
        text = word.first_text if side == "first" else word.last_text
        if len(text) < MIN_PREFIX:
            return self._sets.equal(f"search_{side}_name", getattr(word, f"{side}_name"))
        if len(text) == MIN_PREFIX:
            return self._sets.equal(f"search_{side}_prefix", getattr(word, f"{side}_prefix"))
        if len(text) <= START_KEY_LIMIT:
            return self._sets.starting(start_key(side, text))
        return self._sets.among(self._ids[(side, text)])


def _name_matches(side: Side, word: SearchKeys, starts: _Starts, sets: _Sets) -> _Ids:
    condition = starts.condition(side, word)
    sound = getattr(word, f"{side}_sound")
    if sound:
        condition |= sets.equal(f"search_{side}_sound", sound)
    return condition


def _joined(words: Sequence[SearchKeys]) -> SearchKeys:
    text = "".join(w.last_text for w in words)
    return case_search_keys(first_name=text, last_name=text)


def _name_condition(
    cases: QuerySet[Case], words: Sequence[SearchKeys], sets: _Sets
) -> tuple[_Ids, _Where]:
    """(the cases that match, what matches exactly) for a name of one or more words.

    One word: a first name or a surname. Several: first name then surname ("Amelia
    Ashford"), surname then first name ("Ashford, Amelia"), or one surname written with
    spaces ("Smith Jones")."""
    if len(words) == 1:
        (word,) = words
        starts = _Starts(cases, words, sets)
        exact = _equals("search_last_name", word.last_name) | _equals(
            "search_first_name", word.first_name
        )
        matches = _name_matches("first", word, starts, sets) | _name_matches(
            "last", word, starts, sets
        )
        return matches, exact
    first, rest, whole = words[0], _joined(words[1:]), _joined(words)
    starts = _Starts(cases, (first, rest, whole), sets)

    def last(word: SearchKeys) -> _Ids:
        return _name_matches("last", word, starts, sets)

    def given(word: SearchKeys) -> _Ids:
        return _name_matches("first", word, starts, sets)

    matches = (given(first) & last(rest)) | (last(first) & given(rest)) | last(whole)
    given_then_surname = _equals("search_first_name", first.first_name) & _equals(
        "search_last_name", rest.last_name
    )
    surname_then_given = _equals("search_last_name", first.last_name) & _equals(
        "search_first_name", rest.first_name
    )
    exact = given_then_surname | surname_then_given | _equals("search_last_name", whole.last_name)
    return matches, exact


def _search(
    cases: QuerySet[Case], search: SearchQuery, areas: Sequence[int]
) -> tuple[QuerySet[Case], bool]:
    """(the cases that match, whether to put exact name matches first)."""
    if search.kind == "reference":
        return cases.filter(reference=search.reference), False
    if search.kind == "nhs_number":
        return cases.filter(child_nhs_number_index=index_of("nhs_number", search.nhs_number)), False
    if search.kind == "date_of_death" and search.date_of_death is not None:
        return cases.filter(date_of_death=search.date_of_death), False
    matches, exact = _name_condition(cases, search.words, _Sets(tuple(sorted(areas))))
    rank = _Where(f"CASE WHEN {exact.sql} THEN 0 ELSE 1 END", exact.params)
    ranked = cases.filter(matches.contains_case()).annotate(
        search_rank=rank.expression(IntegerField())
    )
    return ranked, True


def _clock_condition(clock: str, now: dt.datetime) -> Q | None:
    """The timescales filter, by each case's soonest running clock (as the case page shows
    its worst): a comparison on Case.next_clock_due_at, which cdop.clocks keeps, so that
    the count and the page read the (area, [status,] next due) and list indexes alone.
    (Looking through the area's running clocks for each page cost two lists of every
    overdue clock, one for the count and one for the page.)"""
    if clock == ClockFilter.OVERDUE:
        return Q(next_clock_due_at__lt=now)
    if clock == ClockFilter.DUE_SOON:
        soon = now + dt.timedelta(days=DUE_SOON_DAYS)
        return Q(next_clock_due_at__gte=now, next_clock_due_at__lte=soon)
    if clock == ClockFilter.ON_TIME:
        return Q(next_clock_due_at__isnull=True) | Q(next_clock_due_at__gte=now)
    return None


def _reporting_year_range(year: int) -> tuple[dt.date, dt.date]:
    """The NCMD year: 1 April to 31 March (its annual return closes on 31 March)."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def case_list_for_user(*, user: User, filters: CaseListFilters | None = None) -> QuerySet[Case]:
    """Cases the user may read, narrowed and sorted as the list's filters say.

    A name search puts exact matches before sound-alikes and longer names; every other
    order is the chosen sort. The query is built so its cost does not depend on the page.
    """
    filters = filters or CaseListFilters()
    cases = Case.objects.filter(permissions.case_visibility_q(user)).select_related("area")
    statuses = [s for s in filters.statuses if s in Status.values]
    if len(statuses) == 1:
        cases = cases.filter(status=statuses[0])
    elif statuses:
        cases = cases.filter(status__in=statuses)
    clock = _clock_condition(filters.clock, timezone.now())
    if clock is not None:
        cases = cases.filter(clock)
    if filters.key_worker == NO_KEY_WORKER:
        cases = cases.filter(key_worker__isnull=True)
    elif filters.key_worker.isdigit():
        cases = cases.filter(key_worker_id=int(filters.key_worker))
    if filters.expectedness:
        cases = cases.filter(expectedness=filters.expectedness)
    if filters.year is not None:
        cases = cases.filter(
            date_of_death__gte=dt.date(filters.year, 1, 1),
            date_of_death__lte=dt.date(filters.year, 12, 31),
        )
    if filters.reporting_year is not None:
        start, end = _reporting_year_range(filters.reporting_year)
        cases = cases.filter(date_of_death__gte=start, date_of_death__lte=end)
    ranked = False
    if filters.search is not None:
        readable = permissions.area_ids_with_roles(user, permissions.CASE_READERS)
        cases, ranked = _search(cases, filters.search, readable)
    _label, order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return cases.order_by(*(("search_rank",) if ranked else ()), *order)


def case_list_total(*, user: User, filters: CaseListFilters) -> int | None:
    """How many cases the unfiltered list holds, from the areas' kept totals
    (cdop.cases.totals) rather than a count of every case of the area on each opening (0.5 to
    2 ms at 20,000 cases); None when the list is narrowed, or the person reads only some of an
    area's cases (a key worker), and the list counts for itself."""
    narrowed = (
        filters.search is not None
        or filters.statuses
        or filters.clock
        or filters.key_worker
        or filters.expectedness
        or filters.year is not None
        or filters.reporting_year is not None
    )
    if narrowed:
        return None
    whole_areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    readers = permissions.area_ids_with_roles(user, permissions.CASE_READERS)
    if not whole_areas or set(readers) - set(whole_areas):
        return None
    return sum(t["cases"] for t in area_totals(whole_areas, timezone.now()).values())


def case_open_count(*, user: User, totals: dict[int, dict[str, Any]] | None = None) -> int:
    """How many open cases the person may read (the start page): from the areas' kept totals
    (`totals`, if the caller has read them) when they read every case of each area they read
    any of; otherwise (a key worker) the list's own count."""
    whole_areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    readers = permissions.area_ids_with_roles(user, permissions.CASE_READERS)
    if set(readers) - set(whole_areas):
        return case_list_for_user(user=user).filter(status__in=OPEN).count()
    if not whole_areas:
        return 0
    if totals is None or not set(whole_areas) <= set(totals):
        totals = area_totals(whole_areas, timezone.now())
    return sum(sum(totals[a]["stages"].values()) for a in whole_areas)


class LateRows:
    """A list's rows for the paginator, read in two steps: the page's ids first, from an
    index that holds both the filter and the order, then only those rows.

    Read in one step, a year of deaths listed newest first reads every case of that year
    (4,000 at 20,000 cases) to sort them, about 8 ms on SQLite; picked from the index
    (area, date of death, opened) first, about 2 ms. Still one query a page, and the count.
    """

    def __init__(self, cases: QuerySet[Case], columns: Sequence[str], order: Sequence[str]) -> None:
        self._cases = cases
        self._columns = tuple(columns)
        self._order = tuple(order)

    def count(self) -> int:
        return self._cases.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[tuple[Any, ...]]:
        ids = self._cases.values("pk")[key]
        rows = Case.objects.filter(pk__in=ids).order_by(*self._order)
        return list(rows.values_list(*self._columns))


def case_list_values(
    cases: QuerySet[Case], filters: CaseListFilters, columns: Sequence[str]
) -> QuerySet[Case, tuple[Any, ...]] | LateRows:
    """The list's rows as plain values in the list's order; in two steps (LateRows) where
    that is the cheaper way: a year of deaths by when the cases were opened, with no other
    filter that the index does not hold (a stage, a key worker, expectedness or a search
    would need each row read anyway; the timescales filter reads only the ids)."""
    cases = cases.select_related(None)
    by_year = filters.year is not None or filters.reporting_year is not None
    others = filters.statuses or filters.key_worker or filters.expectedness or filters.search
    if by_year and not others and filters.sort in {"opened", "opened_oldest"}:
        return LateRows(cases, columns, SORTS[filters.sort][1])
    return cases.values_list(*columns)


def case_search_page(
    cases: QuerySet[Case], start: int, end: int
) -> tuple[list[tuple[Any, ...]], int]:
    """Rows start..end of a search's results in their order (the list's columns, as
    case_list_rows_by_id gives them), and how many were found. A search's matches are all
    read to be ranked anyway, so each of the page's ids carries the count of all the results
    (COUNT(*) OVER ()), where a separate count would build, send and run the search's
    conditions a second time. Only the ids go through the ranking: with the rows' columns
    carried through it, a three-letter search took twice as long.

    On PostgreSQL in one prepared statement (the page's ids, numbered in their order, joined
    to their rows): planning the search took as long as running it, and each statement is a
    round trip (decision 78). On SQLite in two, the ids and then their rows: numbering a
    three-letter search's 900 matches cost SQLite more than the second statement does.
    (0 found when the page is empty, even past the last page: the caller counts then.)"""
    ids = cases.select_related(None).values_list("pk").annotate(found=Window(Count("*")))
    if connection.vendor == "postgresql":
        # The list orders by field names only (SORTS), each a valid window order.
        order: list[Any] = list(cases.query.order_by)
        place = Window(RowNumber(), order_by=order)
        inner, params = ids.annotate(place=place)[start:end].query.sql_with_params()
        found = fetch_rows(
            # The ORM's own SQL for the page, its values as parameters; table names only.
            f"SELECT {_LIST_ROW_COLUMNS}, page.found FROM ({inner}) page"  # noqa: S608
            " JOIN cases_case ON cases_case.id = page.pk ORDER BY page.place",
            params,
            prepare=True,
        )
        if not found:
            return [], 0
        return [_list_row(row)[1] for row in found], int(found[0][-1])
    picked = list(ids[start:end])
    if not picked:
        return [], 0
    rows = case_list_rows_by_id([pk for pk, _found in picked])
    return [rows[pk] for pk, _found in picked if pk in rows], int(picked[0][1])


# The id, then the list's own columns (their field names are the table's column names).
_LIST_ROW_COLUMNS = ", ".join(f"cases_case.{column}" for column in ("id", *LIST_COLUMNS))


def _list_row(row: Sequence[Any]) -> tuple[int, tuple[Any, ...]]:
    """(id, the list's columns) of a row read with _LIST_ROW_COLUMNS first: names
    decrypted, dates as the ORM gives them."""
    pk, reference, first, last, died, status, since, worker = row[:8]
    return pk, (
        reference,
        decrypt(first) if first else first,
        decrypt(last) if last else last,
        db_date(died),
        status,
        db_datetime(since),
        worker,
    )


def case_list_rows_by_id(ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """The case list's columns (presenters.LIST_COLUMNS: reference, first name, surname,
    date of death, stage, since, key worker) of these cases, by id: fixed SQL, the names
    decrypted here (the ORM took longer to build this query than the database to run it)."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    found = fetch_rows(
        # Only placeholders are formatted in; the values go as parameters.
        f"SELECT {_LIST_ROW_COLUMNS} FROM cases_case WHERE id IN ({marks})",  # noqa: S608
        [int(i) for i in ids],
    )
    return dict(_list_row(row) for row in found)


def case_key_worker_choices(*, user: User) -> list[tuple[int, str]] | None:
    """The people who hold the key-worker role in the areas where the user reads every case;
    None for a key worker who reads only their own cases (nothing to choose).

    Written as SQL: the case list asks for it on every request, and building the same query
    through the ORM cost twenty times what running it does (about 0.6 ms against 0.03 ms).
    """
    areas = sorted(permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS))
    if not areas:
        return None
    users, memberships = User._meta.db_table, Membership._meta.db_table
    marks = ", ".join(["%s"] * len(areas))
    sql = (
        f"SELECT DISTINCT u.id, u.full_name FROM {users} u "  # noqa: S608 - table names only
        f"JOIN {memberships} m ON m.user_id = u.id "
        f"WHERE u.is_active AND m.role = %s AND m.area_id IN ({marks}) "
        "ORDER BY u.full_name, u.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Role.KEY_WORKER.value, *areas])
        return [(int(pk), str(name)) for pk, name in cursor.fetchall()]


def case_get_for_user(*, user: User, reference: str) -> Case:
    """The case, or a 404 for anyone who may not read it (so a reference reveals nothing)."""
    # Only the area comes along: the page shows it; anything else is read when needed.
    # Every case page asks this first: its SQL is built once (compiled_rows).
    found = compiled_rows(
        "cases.case_get_for_user",
        lambda ref: Case.objects.select_related("area").filter(reference=ref).order_by()[:1],
        reference[:24],
    )
    case = found[0] if found else None
    if case is None or not permissions.can_view_case(user, case):
        raise Http404("No such case")
    return case


def case_transitions_for(*, case: Case) -> QuerySet[CaseTransition]:
    return case.transitions.select_related("by").order_by("at", "pk")


def case_available_transitions(*, user: User, case: Case) -> list[Transition]:
    if not permissions.can_manage_case(user, case):
        return []
    # Some steps are for fewer roles (reopening a finalised review): workflow.Transition.permission.
    return [
        t for t in transitions_from(case.status) if getattr(permissions, t.permission)(user, case)
    ]


def user_names(*, ids: set[int]) -> dict[int, str]:
    """Full names by id (for key workers named on a list)."""
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))
