"""Case.next_clock_due_at: the soonest running clock of a case, kept by cdop.clocks, which the
case list's timescale filter reads."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cdop.cases.models import Case
from cdop.clocks.services import clock_start, clock_stop
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _due(case: Case) -> datetime.datetime | None:
    return Case.objects.values_list("next_clock_due_at", flat=True).get(pk=case.pk)


def test_it_follows_the_soonest_running_clock_as_clocks_start_and_stop(llr):
    now = timezone.now()
    case = CaseFactory(area=llr)
    assert _due(case) is None
    clock_start(case=case, kind="panel", label="Panel", started_at=now, due_at=now + 9 * DAY)
    assert _due(case) == now + 9 * DAY
    clock_start(case=case, kind="cdrm", label="Meeting", started_at=now, due_at=now - DAY)
    assert _due(case) == now - DAY
    clock_stop(case=case, kind="cdrm", at=now)
    assert _due(case) == now + 9 * DAY
    clock_stop(case=case, kind="panel", at=now)
    assert _due(case) is None


def test_saving_a_case_read_before_a_clock_changed_keeps_the_clocks_value(llr):
    now = timezone.now()
    case = CaseFactory(area=llr)
    stale = Case.objects.get(pk=case.pk)
    clock_start(case=case, kind="cdrm", label="Meeting", started_at=now, due_at=now + DAY)
    stale.child_first_name = "Renamed"
    stale.save()
    assert _due(case) == now + DAY
    assert Case.objects.get(pk=case.pk).child_first_name == "Renamed"


def test_the_overdue_filter_lists_exactly_the_cases_with_a_running_clock_past_due(
    llr, alice, client_for
):
    now = timezone.now()
    late, soon, stopped = (CaseFactory(area=llr) for _ in range(3))
    clock_start(case=late, kind="cdrm", label="Meeting", started_at=now, due_at=now - DAY)
    clock_start(case=soon, kind="cdrm", label="Meeting", started_at=now, due_at=now + 2 * DAY)
    clock_start(case=stopped, kind="cdrm", label="Meeting", started_at=now, due_at=now - DAY)
    clock_stop(case=stopped, kind="cdrm", at=now)

    def listed(clock: str) -> set[str]:
        body = client_for(alice).get("/staff/cases/", {"clock": clock}).content.decode()
        return {c.reference for c in (late, soon, stopped) if c.reference in body}

    assert listed("overdue") == {late.reference}
    assert listed("due_soon") == {soon.reference}
    assert listed("on_time") == {soon.reference, stopped.reference}
