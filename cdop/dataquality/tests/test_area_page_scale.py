"""The area's data-quality page at any size: which cases are in scope (open, or finalised in
the last year) and how they are counted, filtered or not; its queries do not grow with the
cases, filtered or not."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import committed
from cdop.dataquality.models import CaseQualityScore
from cdop.dataquality.selectors import (
    area_summary,
    checked_now,
    in_scope,
    worst_first_forget,
)
from cdop.dataquality.services import quality_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(db: None) -> None:
    """Counted statements start from an empty cache: rows an earlier test committed to the
    database cache (it is not flushed between tests) can expire under this one, and reading
    an expired row deletes it, one statement more than the test counts."""
    cache.clear()


def _some_of_every_kind(area) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=400)
    lately = timezone.now() - datetime.timedelta(days=30)
    CaseFactory(area=area, status=Status.NOTIFIED)
    CaseFactory(area=area, status=Status.AWAITING_PANEL)
    CaseFactory(area=area, status=Status.PANEL_REVIEWED)
    CaseFactory(area=area, status=Status.FINALISED, finalised_at=lately)
    CaseFactory(area=area, status=Status.FINALISED, finalised_at=long_ago)
    CaseFactory(area=area, status=Status.MERGED)
    CaseFactory(area=area, status=Status.TRANSFERRED)


def test_the_scope_is_open_cases_and_those_finalised_in_the_last_year(llr, other_area):
    _some_of_every_kind(llr)
    _some_of_every_kind(other_area)

    statuses = sorted(in_scope(area=llr).values_list("status", flat=True))

    assert statuses == ["awaiting_panel", "finalised", "notified", "panel_reviewed"]


def test_the_summary_counts_every_case_in_scope_whatever_the_filter(llr, alice, client_for):
    _some_of_every_kind(llr)
    client = client_for(alice)

    unfiltered = client.get("/staff/data-quality/llr/")
    second_page = client.get("/staff/data-quality/llr/?page=2")
    one_stage = client.get("/staff/data-quality/llr/?status=notified")

    assert unfiltered.context["page"].paginator.count == 4
    assert one_stage.context["page"].paginator.count == 1
    for response in (unfiltered, second_page, one_stage):
        assert response.status_code == 200
        assert response.context["summary"].cases == 4
    assert area_summary(area=llr).cases == 4


@pytest.mark.parametrize("query", ["", "?status=notified", "?problems=on"])
def test_the_pages_queries_are_the_same_for_a_few_cases_or_many(llr, alice, client_for, query):
    client = client_for(alice)
    _some_of_every_kind(llr)
    client.get("/staff/data-quality/llr/")  # the session settles
    # Each opening counts afresh (the unfiltered order is kept otherwise: next test).
    worst_first_forget(llr.pk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/staff/data-quality/llr/{query}").status_code == 200

    for _ in range(60):
        CaseFactory(area=llr, status=Status.NOTIFIED)
    worst_first_forget(llr.pk)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/staff/data-quality/llr/{query}").status_code == 200

    # On failure, the statements of each opening, to tell which one was added.
    assert len(many) == len(few), "\n".join(
        ["few:"] + [q["sql"][:160] for q in few] + ["many:"] + [q["sql"][:160] for q in many]
    )


def _ordering_queries(client, path: str) -> list[str]:
    """The statements of one opening that read the cases in scope in order of their scores."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in queries
        if "ORDER BY" in q["sql"] and "dataquality_casequalityscore" in q["sql"]
    ]


def _first(client) -> int:
    return next(iter(client.get("/staff/data-quality/llr/").context["page"].object_list))


def test_the_unfiltered_order_is_kept_and_follows_stored_scores_and_cases_at_once(
    llr, alice, client_for
):
    client = client_for(alice)
    with committed():
        quiet = CaseFactory(area=llr, status=Status.NOTIFIED)
        worse = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
        quality_store(qualities=checked_now(case_ids=[quiet.pk, worse.pk]))

    first = _ordering_queries(client, "/staff/data-quality/llr/")
    again = _ordering_queries(client, "/staff/data-quality/llr/")
    filtered = _ordering_queries(client, "/staff/data-quality/llr/?status=notified")
    top = _first(client)
    other = quiet.pk if top == worse.pk else worse.pk
    # Scores written in bulk, without the services, that would put the other first: the
    # kept order stands a while.
    CaseQualityScore.objects.filter(case_id=other).update(errors=9)
    CaseQualityScore.objects.filter(case_id=top).update(errors=0)
    kept_first = _first(client)
    # A recheck stores scores (here the top case's again): the order is read afresh.
    with committed():
        quality_store(qualities=checked_now(case_ids=[top]))
        CaseQualityScore.objects.filter(case_id=top).update(errors=0)
    after_store = _first(client)
    with committed():  # a new case (rechecked on commit): the order is read afresh
        newest = CaseFactory(area=llr, status=Status.NOTIFIED)
    after_case = _ordering_queries(client, "/staff/data-quality/llr/")
    listed = client.get("/staff/data-quality/llr/").context["page"].object_list

    assert len(first) == 1
    assert again == []
    assert len(filtered) == 1  # a filtered page is never kept
    assert kept_first == top
    assert after_store == other
    assert len(after_case) == 1
    assert newest.pk in listed
