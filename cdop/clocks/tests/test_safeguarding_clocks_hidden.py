"""Safeguarding clocks are safeguarding records: a key worker must not learn of them from
the clocks on the case page, her work queue, the chronology or a case list's filters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cdop.cases.models import Case
from cdop.chronology.registry import chronology_for_case
from cdop.clocks.selectors import case_overdue_clock_q, cases_clock_status, clocks_for_case
from cdop.clocks.services import clock_start
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

LABEL = "Notify the Child Safeguarding Practice Review Panel (within 5 working days)"


@pytest.fixture
def kims_case(llr, kim):
    case = CaseFactory(area=llr, key_worker=kim)
    now = timezone.now()
    clock_start(
        case=case,
        kind="safeguarding_5wd",
        label=LABEL,
        source="concern:1",
        started_at=now - datetime.timedelta(days=10),
        due_at=now - datetime.timedelta(days=3),
    )
    return case


def test_the_key_worker_sees_no_safeguarding_clock_on_the_case_page(kims_case, kim, client_for):
    page = client_for(kim).get(kims_case.get_absolute_url())

    assert page.status_code == 200
    assert LABEL not in page.content.decode()


def test_the_designated_doctor_sees_it(kims_case, devi, client_for):
    page = client_for(devi).get(kims_case.get_absolute_url())

    assert LABEL in page.content.decode()


def test_the_key_worker_sees_no_safeguarding_clock_in_her_work_or_the_chronology(
    kims_case, kim, client_for
):
    page = client_for(kim).get("/staff/work/")

    assert LABEL not in page.content.decode()
    assert page.context["clocks"].paginator.count == 0
    entries = chronology_for_case(user=kim, case=kims_case, kinds=["clock"])
    assert entries == []


def test_bulk_status_and_filters_leave_safeguarding_clocks_out_for_the_key_worker(
    kims_case, kim, alice
):
    assert cases_clock_status(case_ids=[kims_case.pk], user=kim) == {}
    assert cases_clock_status(case_ids=[kims_case.pk], user=alice) == {kims_case.pk: "overdue"}
    assert not Case.objects.filter(case_overdue_clock_q(user=kim)).exists()
    assert Case.objects.filter(case_overdue_clock_q(user=alice)).get() == kims_case
    assert clocks_for_case(case=kims_case, user=kim) == []
