"""The unfiltered case list's total comes from the areas' kept totals (cdop.cases.totals);
it must always be the number of cases the list holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdop.cases import selectors
from cdop.cases.selectors import CaseListFilters
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import committed, page_of

pytestmark = pytest.mark.django_db


def _shown_total(client, url: str = "/staff/cases/") -> int:
    page = client.get(url)
    assert page.status_code == 200
    return page.context["page"].paginator.count


def test_the_unfiltered_lists_total_is_kept_and_forgotten_when_a_case_is_added(
    llr, other_area, alice, client_for
):
    with committed():
        CaseFactory.create_batch(3, area=llr)
        CaseFactory(area=other_area)
    client = client_for(alice)

    assert _shown_total(client) == 3
    # Kept: the second opening does not count the area's cases.
    with CaptureQueriesContext(connection) as queries:
        assert _shown_total(client) == 3
    assert not any(
        "COUNT(*)" in q["sql"] and "cases_case" in q["sql"] for q in queries.captured_queries
    )
    with committed():
        CaseFactory(area=llr, status=Status.FINALISED)
    assert _shown_total(client) == 4
    assert _shown_total(client) == selectors.case_list_for_user(user=alice).count()


def test_a_narrowed_list_and_a_key_workers_list_count_for_themselves(llr, alice, kim, client_for):
    CaseFactory.create_batch(2, area=llr, status=Status.NOTIFIED)
    CaseFactory(area=llr, status=Status.FINALISED, key_worker=kim)

    assert _shown_total(client_for(alice), "/staff/cases/?status=notified") == 2
    assert (
        selectors.case_list_total(user=alice, filters=CaseListFilters(statuses=["notified"]))
        is None
    )
    # A key worker reads only the cases they support: the area's total is not theirs.
    assert selectors.case_list_total(user=kim, filters=CaseListFilters()) is None
    assert _shown_total(client_for(kim)) == 1


def test_the_pages_links_keep_the_filter(llr, alice, client_for):
    CaseFactory.create_batch(51, area=llr, status=Status.NOTIFIED)
    client = client_for(alice)

    first = client.get("/staff/cases/?status=notified")
    second = client.get("/staff/cases/?status=notified&page=2")

    assert 'aria-label="Pages of cases"' in first.text
    assert 'href="?status=notified&amp;page=2" rel="next"' in first.text
    assert page_of(first.text) == (1, 2)
    assert 'href="?status=notified&amp;page=1" rel="prev"' in second.text
    assert 'rel="next"' not in second.text
