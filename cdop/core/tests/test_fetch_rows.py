"""cdop.core.db.fetch_rows: fixed statements, and on PostgreSQL prepared ones (the blockers'
union), which must behave like any other query: same rows, counted, inside the caller's
transaction, with Django's errors."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cdop.cases.blockers import blockers_for_cases
from cdop.cases.models import Case
from cdop.core.db import fetch_rows, queryset_rows_prepared
from cdop.core.tests.factories import CaseFactory
from cdop.investigations.models import PostMortem
from cdop.investigations.tests.factories import PostMortemFactory

pytestmark = pytest.mark.django_db

_SQL = "SELECT id, reference FROM cases_case WHERE area_id = %s ORDER BY id"


@pytest.mark.parametrize("prepare", [False, True])
def test_the_rows_are_the_same_prepared_or_not_and_each_run_is_one_counted_query(llr, prepare):
    cases = [CaseFactory(area=llr) for _ in range(3)]
    expected = [(c.pk, c.reference) for c in cases]

    with CaptureQueriesContext(connection) as queries:
        runs = [fetch_rows(_SQL, [llr.pk], prepare=prepare) for _ in range(7)]

    # Seven runs: past psycopg's threshold, so PostgreSQL has the statement prepared.
    assert all(rows == expected for rows in runs)
    assert len(queries) == 7
    if connection.vendor == "postgresql":
        assert ("-- prepared" in queries[-1]["sql"]) is prepare


def test_a_prepared_statement_reads_and_rolls_back_with_the_callers_transaction(llr):
    case = CaseFactory(area=llr)
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(reference="LLR-2026-9999")
        inside = fetch_rows(_SQL, [llr.pk], prepare=True)
        transaction.set_rollback(True)

    assert inside == [(case.pk, "LLR-2026-9999")]
    assert fetch_rows(_SQL, [llr.pk], prepare=True) == [(case.pk, case.reference)]


def test_a_failing_prepared_statement_raises_djangos_database_error(llr):
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_rows("SELECT no_such_column FROM cases_case WHERE id = %s", [1], prepare=True)

    assert fetch_rows(_SQL, [llr.pk], prepare=True) == []  # the connection is usable after


def test_the_blockers_found_through_the_prepared_union_follow_the_data(llr):
    waiting = CaseFactory(area=llr)
    post_mortem = PostMortemFactory(case=waiting)
    clear = CaseFactory(area=llr)

    first = blockers_for_cases([waiting.pk, clear.pk])
    PostMortem.objects.filter(pk=post_mortem.pk).update(report_received_on=post_mortem.performed_on)
    after = [blockers_for_cases([waiting.pk, clear.pk]) for _ in range(6)]

    assert [b.kind for b in first[waiting.pk]] == ["post_mortem_report"]
    assert clear.pk not in first
    assert all(waiting.pk not in found for found in after)


def test_a_querysets_rows_prepared_are_what_the_queryset_gives_converted_and_named(llr):
    cases = [CaseFactory(area=llr, child_first_name=name) for name in ("Amelia", "Zofia")]
    listed = Case.objects.filter(area=llr).order_by("pk")
    columns = ("pk", "child_first_name", "opened_at", "area__name")

    with CaptureQueriesContext(connection) as queries:
        runs = [
            queryset_rows_prepared(listed.values_list(*columns, named=True), named=True)
            for _ in range(6)
        ]
    plain = queryset_rows_prepared(listed.values_list(*columns))

    # The names come back decrypted and the times as aware datetimes, as the ORM gives them.
    expected = list(listed.values_list(*columns, named=True))
    assert [row.child_first_name for row in expected] == ["Amelia", "Zofia"]
    assert all(run == expected for run in runs)
    assert runs[0][0].opened_at == cases[0].opened_at
    assert runs[0][1]._fields == expected[1]._fields
    assert plain == [tuple(row) for row in expected]
    assert len(queries) == 6
    if connection.vendor == "postgresql":
        assert "-- prepared" in queries[-1]["sql"]


def test_a_queryset_that_can_match_nothing_gives_no_rows_and_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        rows = queryset_rows_prepared(Case.objects.filter(pk__in=[]).values_list("pk"))

    assert rows == []
    assert len(queries) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner setting")
def test_prepared_statements_are_planned_once_for_any_values():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        (mode,) = cursor.fetchone()

    assert mode == "force_generic_plan"
