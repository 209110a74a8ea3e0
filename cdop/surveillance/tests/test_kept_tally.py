"""The dashboard's tallies are kept in the shared cache (selectors.area_tally_kept): opened
again, it counts nothing; a death recorded, a case closed as a duplicate, an inquest's
conclusion or the panel's category shows on the next opening once committed, and at once in
the writer's own transaction, which keeps nothing it counted (a rollback leaves the kept
tally right); another area's writes leave the tally kept."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.accounts.models import User
from cdop.analysis.models import Analysis
from cdop.analysis.selectors import form_version_current
from cdop.analysis.tests.factories import category
from cdop.areas.models import Area
from cdop.cases.workflow import Status
from cdop.core.tests.factories import NotificationFactory
from cdop.core.tests.helpers import committed
from cdop.investigations.models import InquestConclusion
from cdop.investigations.tests.factories import InquestFactory
from cdop.surveillance.selectors import surveillance_dashboard
from cdop.surveillance.tests.factories import days_ago, death, history

pytestmark = pytest.mark.django_db


def _observed(area: Area, code: str = "all") -> int:
    dashboard = surveillance_dashboard(area=area, window_days=90, years=5)
    return next(s.observed for s in dashboard.signals if s.group.code == code)


def _counting_queries(area: Area) -> list[str]:
    """The statements of one opening that read the area's deaths (not the cache's)."""
    with CaptureQueriesContext(connection) as queries:
        surveillance_dashboard(area=area, window_days=90, years=5)
    return [
        q["sql"] for q in queries if "cdop_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_opened_again_the_dashboard_counts_nothing_again(llr: Area) -> None:
    with committed():
        history(llr)
        death(llr, days_ago(10))

    first = _counting_queries(llr)
    again = _counting_queries(llr)

    assert len(first) == 4  # where the record starts, then the three counts
    assert again == []  # both kept
    assert _observed(llr) == 1


def test_a_death_recorded_shows_on_the_next_opening(llr: Area) -> None:
    with committed():
        history(llr)
    assert _observed(llr) == 0

    with committed():
        death(llr, days_ago(10))
        NotificationFactory(area=llr, date_of_death=days_ago(3), child_nhs_number="9990000107")

    assert _observed(llr) == 2


def test_a_case_closed_as_a_duplicate_stops_counting_at_once_in_the_writers_transaction(
    llr: Area,
) -> None:
    with committed():
        history(llr)
        twice = death(llr, days_ago(10))
    assert _observed(llr) == 1

    with committed(), transaction.atomic():
        twice.status = Status.MERGED
        twice.save()
        inside = _observed(llr)

    assert inside == 0
    assert _observed(llr) == 0


def test_an_inquest_conclusion_and_the_panels_category_show_at_once(llr: Area, alice: User) -> None:
    with committed():
        history(llr)
        teenager = death(llr, days_ago(10), age_days=15 * 365)
        other = death(llr, days_ago(20), age_days=16 * 365)
    assert _observed(llr, "suicide") == 0

    with committed():
        InquestFactory(
            case=teenager, conclusion=InquestConclusion.SUICIDE, concluded_on=days_ago(1)
        )
    after_inquest = _observed(llr, "suicide")
    now = timezone.now()
    with committed():
        Analysis.objects.create(
            case=other,
            form_version=form_version_current(),
            category=category("suicide_self_harm"),
            created_at=now,
            created_by=alice,
            updated_at=now,
            updated_by=alice,
        )

    assert after_inquest == 1
    assert _observed(llr, "suicide") == 2


def test_another_areas_writes_leave_the_tally_kept(llr: Area, other_area: Area) -> None:
    with committed():
        history(llr)
    _observed(llr)

    with committed():
        death(other_area, days_ago(10))

    assert _counting_queries(llr) == []


def test_a_write_rolled_back_leaves_the_kept_tally_as_it_was(llr: Area) -> None:
    with committed():
        history(llr)
        death(llr, days_ago(10))
    assert _observed(llr) == 1

    with transaction.atomic():
        death(llr, days_ago(11))
        inside = _observed(llr)  # counted afresh, and not kept
        transaction.set_rollback(True)

    assert inside == 2
    assert _counting_queries(llr) == []  # what was kept before stands
    assert _observed(llr) == 1
