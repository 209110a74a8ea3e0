from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.cases.models import Case, CaseTransition
from cdop.cases.services import case_open_from_notification, case_start_information_gathering
from cdop.core.compiled import compiled_rows, compiled_skipping_empty
from cdop.core.tests.factories import CaseFactory, NotificationFactory


def _transitions(case_id: int):  # type: ignore[no-untyped-def]
    return CaseTransition.objects.filter(case_id=case_id).select_related("by").order_by("at", "pk")


@pytest.fixture
def two_cases(llr, alice):  # type: ignore[no-untyped-def]
    first = case_open_from_notification(notification=NotificationFactory(area=llr), by=alice)
    case_start_information_gathering(case=first, by=alice, reason="Forms sent")
    second = case_open_from_notification(notification=NotificationFactory(area=llr), by=alice)
    return first, second


def test_it_gives_the_rows_the_queryset_gives_with_their_related_objects(two_cases, alice):
    first, _ = two_cases

    rows = compiled_rows("test.transitions", _transitions, first.pk)

    assert [(t.pk, t.at, t.to_status, t.reason) for t in rows] == [
        (t.pk, t.at, t.to_status, t.reason) for t in _transitions(first.pk)
    ]
    assert len(rows) == 2
    assert all(t.by == alice and t.by.full_name == "Alice Manager" for t in rows)
    assert all(isinstance(t.at, type(timezone.now())) for t in rows)


def test_each_run_reads_the_value_it_is_given_not_the_first_one(two_cases):
    first, second = two_cases

    for_first = compiled_rows("test.transitions", _transitions, first.pk)
    for_second = compiled_rows("test.transitions", _transitions, second.pk)
    for_first_again = compiled_rows("test.transitions", _transitions, first.pk)

    assert {t.case_id for t in for_first} == {first.pk}
    assert {t.case_id for t in for_second} == {second.pk}
    assert len(for_second) == 1
    assert [t.pk for t in for_first_again] == [t.pk for t in for_first]


def test_a_related_object_needs_no_further_query(two_cases, django_assert_num_queries):
    first, _ = two_cases
    compiled_rows("test.transitions", _transitions, first.pk)  # built here

    with django_assert_num_queries(1):
        names = [t.by.full_name for t in compiled_rows("test.transitions", _transitions, first.pk)]

    assert names == ["Alice Manager", "Alice Manager"]


def test_values_lists_keep_their_shape_and_encrypted_fields_are_read(llr):
    case = CaseFactory(area=llr, child_first_name="Robin", child_last_name="Synthetic")

    def names(case_id: int):  # type: ignore[no-untyped-def]
        return Case.objects.filter(pk=case_id).values_list(
            "child_first_name", "child_last_name", named=True
        )

    row = compiled_rows("test.case_names", names, case.pk)[0]
    flat = compiled_rows(
        "test.case_flat",
        lambda case_id: Case.objects.filter(pk=case_id).values_list("reference", flat=True),
        case.pk,
    )
    as_dicts = compiled_rows(
        "test.case_dicts",
        lambda case_id: Case.objects.filter(pk=case_id).values("child_last_name"),
        case.pk,
    )

    assert (row.child_first_name, row.child_last_name) == ("Robin", "Synthetic")
    assert flat == [case.reference]
    assert as_dicts == [{"child_last_name": "Synthetic"}]


def test_a_slice_keeps_its_limit(two_cases):
    first, _ = two_cases

    rows = compiled_rows("test.first_transition", lambda i: _transitions(i)[:1], first.pk)

    assert [t.pk for t in rows] == [_transitions(first.pk)[0].pk]


def test_a_query_whose_other_values_change_is_refused_not_run_stale(llr):
    # The time is a second parameter that would be frozen at the first build.
    def due_now(case_id: int):  # type: ignore[no-untyped-def]
        return CaseTransition.objects.filter(case_id=case_id, at__lte=timezone.now())

    with pytest.raises(ImproperlyConfigured, match="differ only in the value"):
        compiled_rows("test.refused_time", due_now, 1)


def test_a_query_with_no_place_for_the_value_is_refused(llr):
    with pytest.raises(ImproperlyConfigured, match="no place for the value"):
        compiled_rows("test.refused_no_value", lambda case_id: Case.objects.filter(area=llr), 1)


def test_a_query_that_can_match_nothing_is_refused(llr):
    with pytest.raises(ImproperlyConfigured, match="never match"):
        compiled_rows(
            "test.refused_empty",
            lambda case_id: Case.objects.filter(pk=case_id, area_id__in=[]),
            1,
        )


def test_a_query_with_prefetches_is_refused(llr):
    with pytest.raises(ImproperlyConfigured, match="without prefetches"):
        compiled_rows(
            "test.refused_prefetch",
            lambda case_id: Case.objects.filter(pk=case_id).prefetch_related("transitions"),
            1,
        )


def test_a_string_value_such_as_a_reference_takes_its_place_too(two_cases):
    first, second = two_cases

    def by_reference(reference: str):  # type: ignore[no-untyped-def]
        return Case.objects.select_related("area").filter(reference=reference)

    found = [compiled_rows("test.by_reference", by_reference, c.reference) for c in two_cases]

    assert [[c.pk for c in rows] for rows in found] == [[first.pk], [second.pk]]
    assert found[0][0].area.slug == "llr"
    assert compiled_rows("test.by_reference", by_reference, "LLR-NO-SUCH") == []


# --- Skipping the queries that find nothing ------------------------------------------------


def _one_case(case_id: int):  # type: ignore[no-untyped-def]
    return Case.objects.filter(pk=case_id)


def _asked(name: str, case_id: int) -> tuple[list[list[int]], list[str]]:
    """The transitions and the case's notifications, asked as a page of `name` would."""
    with (
        CaptureQueriesContext(connection) as queries,
        compiled_skipping_empty(name, case_id, _one_case),
    ):
        rows = [
            [t.pk for t in compiled_rows(f"{name}.transitions", _transitions, case_id)],
            [
                n.pk
                for n in compiled_rows(
                    f"{name}.merged",
                    lambda i: Case.objects.filter(merged_into_id=i).order_by("pk"),
                    case_id,
                )
            ],
        ]
    return rows, [q["sql"] for q in queries.captured_queries]


def test_the_first_block_runs_every_query_and_later_ones_only_those_with_rows(two_cases):
    first, _ = two_cases  # two transitions, no case merged into it

    rows, statements = _asked("test.skip_first", first.pk)
    again, statements_again = _asked("test.skip_first", first.pk)

    assert rows == again == [[t.pk for t in _transitions(first.pk)], []]
    assert len(statements) == 2  # nothing known yet: both queries run
    # One statement asks which queries find rows; the merged cases' query is not run.
    assert len(statements_again) == 2
    assert statements_again[0].count("EXISTS") == 2
    assert "merged_into_id" not in statements_again[1]


def test_a_query_is_run_again_once_it_has_rows(two_cases, alice):
    first, second = two_cases
    _asked("test.skip_rows", first.pk)
    assert len(_asked("test.skip_rows", first.pk)[1]) == 2

    second.merged_into = first
    second.save(update_fields=["merged_into"])
    rows, statements = _asked("test.skip_rows", first.pk)

    assert rows[1] == [second.pk]
    assert len(statements) == 3  # what finds rows, then both queries


def test_only_queries_of_the_block_s_value_are_skipped(two_cases):
    first, second = two_cases
    _asked("test.skip_value", first.pk)

    with compiled_skipping_empty("test.skip_value", first.pk, _one_case):
        # The same query of another case's id runs, whatever the statement found.
        other = compiled_rows("test.skip_value.transitions", _transitions, second.pk)

    assert [t.pk for t in other] == [t.pk for t in _transitions(second.pk)]
    with compiled_skipping_empty("test.skip_value", first.pk, _one_case):
        pass
    # Outside any block nothing is skipped.
    assert (
        compiled_rows(
            "test.skip_value.merged", lambda i: Case.objects.filter(merged_into_id=i), first.pk
        )
        == []
    )


def test_a_value_with_no_row_to_ask_on_runs_every_query(two_cases):
    first, _ = two_cases
    _asked("test.skip_gone", first.pk)

    with (
        CaptureQueriesContext(connection) as queries,
        compiled_skipping_empty(
            "test.skip_gone", first.pk, lambda i: Case.objects.filter(merged_into_id=i)
        ),
    ):
        compiled_rows("test.skip_gone.transitions", _transitions, first.pk)

    # The statement found no row to answer on: the query runs, as without a block.
    assert len(queries) == 2
    assert "EXISTS" in queries.captured_queries[0]["sql"]
