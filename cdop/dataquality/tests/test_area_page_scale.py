"""The area's data-quality page at any size: which cases are in scope (open, or finalised in
the last year) and how they are counted, filtered or not; its queries do not grow with the
cases, filtered or not."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.dataquality.selectors import area_summary, in_scope

pytestmark = pytest.mark.django_db


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
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/staff/data-quality/llr/{query}").status_code == 200

    for _ in range(60):
        CaseFactory(area=llr, status=Status.NOTIFIED)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/staff/data-quality/llr/{query}").status_code == 200

    assert len(many) == len(few)
