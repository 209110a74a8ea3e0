"""Which cases need sending again, found among the cases exported or reopened only: a case
never sent and never reopened is never listed however it changes, and the area page's
queries do not grow with such cases."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.ncmd.selectors import cases_needing_resend
from cdop.ncmd.services import ncmd_export_case
from cdop.ncmd.tests.factories import finalised_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(db: None) -> None:
    """Counted statements start from an empty cache: rows an earlier test committed to the
    database cache (it is not flushed between tests) can expire under this one, and reading
    an expired row deletes it, one statement more than the test counts."""
    cache.clear()


def test_only_cases_sent_and_changed_or_reopened_are_listed_in_reference_order(
    llr, other_area, alice, olu
):
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=2), tick=False):
        sent_then_changed = finalised_case(area=llr, by=alice, reference="LLR-2026-0003")
        sent_unchanged = finalised_case(area=llr, by=alice, reference="LLR-2026-0004")
        theirs = finalised_case(area=other_area, by=olu, reference="DEMO-2026-0001")
        for case in (sent_then_changed, sent_unchanged):
            ncmd_export_case(case=case, by=alice)
        ncmd_export_case(case=theirs, by=olu)
    never_sent = finalised_case(area=llr, by=alice, reference="LLR-2026-0005")
    reopened = CaseFactory(
        area=llr, reference="LLR-2026-0001", status=Status.AWAITING_PANEL, ncmd_resend_needed=True
    )
    merged = CaseFactory(
        area=llr, reference="LLR-2026-0002", status=Status.MERGED, ncmd_resend_needed=True
    )
    for case in (sent_then_changed, never_sent, theirs, merged):
        NotificationFactory(area=case.area, case=case, received_at=now)

    listed = list(cases_needing_resend(area=llr).values_list("reference", flat=True))

    assert listed == [reopened.reference, sent_then_changed.reference]
    assert sent_unchanged.reference not in listed


def test_the_area_pages_queries_do_not_grow_with_cases_never_sent(llr, alice, client_for):
    with time_machine.travel(timezone.now(), tick=False):
        client = client_for(alice)
        ncmd_export_case(case=finalised_case(area=llr, by=alice), by=alice)
        client.get("/staff/ncmd/llr/")  # the session settles
        with CaptureQueriesContext(connection) as few:
            assert client.get("/staff/ncmd/llr/").status_code == 200

        for _ in range(40):
            CaseFactory(area=llr, status=Status.FINALISED, finalised_at=timezone.now())
        with CaptureQueriesContext(connection) as many:
            assert client.get("/staff/ncmd/llr/").status_code == 200

    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
