"""Safeguarding clocks are safeguarding records: a key worker must not learn of them from
the clocks on the case page, her work queue, the chronology or a case list's filters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cdop.cases.models import Case
from cdop.chronology.registry import chronology_for_case
from cdop.clocks.selectors import (
    case_clocks_shown,
    case_overdue_clock_q,
    cases_clock_status,
    clocks_for_case,
)
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


@pytest.mark.parametrize("persona", ["kim", "alice", "devi"])
def test_the_overviews_clocks_are_those_clocks_for_case_gives_each_person(
    kims_case, persona, request
):
    """The overview reads the clocks in fixed SQL (case_clocks_shown); the rest of the app
    through clocks_for_case. Same clocks, same order, same safeguarding rule."""
    user = request.getfixturevalue(persona)
    now = timezone.now()
    for days, label in ((30, "Meeting"), (-2, "Notification"), (5, "Panel")):
        clock_start(
            case=kims_case,
            kind=f"local_{label.lower()}",
            label=label,
            source=f"test:{label}",
            started_at=now - datetime.timedelta(days=40),
            due_at=now + datetime.timedelta(days=days),
        )
    stopped = kims_case.clocks.get(label="Panel")
    stopped.stopped_at = now
    stopped.save()

    shown = case_clocks_shown(case=kims_case, user=user)
    expected = clocks_for_case(case=kims_case, user=user)

    assert [(c.label, c.due_at, c.stopped_at, c.cancelled) for c in shown] == [
        (c.label, c.due_at, c.stopped_at, c.cancelled) for c in expected
    ]
    assert (LABEL in [c.label for c in shown]) is (persona != "kim")
