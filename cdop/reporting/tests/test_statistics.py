"""The statistics page counts the reporting year, 1 April to 31 March, for each of your areas."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.core.tests.helpers import committed
from cdop.reporting.selectors import reporting_year, statistics_for_area

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = datetime.datetime(2026, 11, 27, 12, tzinfo=LONDON)  # reporting year 2026 to 2027


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def finalised(area, when: datetime.datetime):
    return CaseFactory(area=area, status=Status.FINALISED, finalised_at=when, opened_at=when)


def stat(page: str, slug: str) -> int:
    match = re.search(rf'data-testid="finalised-{slug}">(\d+)<', page)
    assert match, "the finalised figure is on the page"
    return int(match.group(1))


@pytest.mark.parametrize(
    ("today", "first_day", "next_first_day"),
    [
        (datetime.date(2026, 11, 27), datetime.date(2026, 4, 1), datetime.date(2027, 4, 1)),
        (datetime.date(2026, 4, 1), datetime.date(2026, 4, 1), datetime.date(2027, 4, 1)),
        (datetime.date(2026, 3, 31), datetime.date(2025, 4, 1), datetime.date(2026, 4, 1)),
        (datetime.date(2027, 1, 1), datetime.date(2026, 4, 1), datetime.date(2027, 4, 1)),
    ],
)
def test_the_reporting_year_runs_from_1_april_to_31_march(today, first_day, next_first_day):
    assert reporting_year(today) == (first_day, next_first_day)


def test_reviews_finalised_this_year_are_counted_and_last_years_are_not(llr, client_for, alice):
    finalised(llr, at(2026, 5, 1))
    finalised(llr, at(2026, 11, 26))
    finalised(llr, at(2026, 3, 31, 23, 30))  # last day of last year, late evening
    finalised(llr, at(2025, 6, 1))

    with time_machine.travel(TODAY, tick=False):
        page = client_for(alice).get("/staff/statistics/")

    assert page.status_code == 200
    assert "this reporting year so far, 1 April 2026 to 31 March 2027" in page.text
    assert stat(page.text, "llr") == 2


def test_the_page_says_which_year_the_figures_and_the_annual_report_each_cover(
    llr, client_for, alice
):
    client = client_for(alice)

    with time_machine.travel(datetime.datetime(2026, 11, 28, 12, tzinfo=LONDON), tick=False):
        page = client.get("/staff/statistics/").text
        link = re.search(
            r'<a class="govuk-link" href="(/staff/statistics/annual/llr/)">([^<]+)</a>', page
        )
        assert link, "the annual report is linked"
        report = client.get(link.group(1)).text

    text = re.sub(r"\s+", " ", page)
    assert (
        "The figures below are for this reporting year so far, 1 April 2026 to 31 March 2027."
        in text
    )
    assert (
        re.sub(r"\s+", " ", link.group(2)) == "annual report for LLR, 1 April 2025 to 31 March 2026"
    )
    assert "is of the last complete reporting year" in text
    assert "1 April 2025 to 31 March 2026" in report
    assert "1 April 2026" not in report


def test_the_year_starts_at_midnight_on_1_april_london_time(llr):
    finalised(llr, at(2026, 4, 1, 0, 30))  # 23:30 on 31 March in UTC, but April in London
    finalised(llr, at(2026, 3, 31, 23, 59))

    with time_machine.travel(TODAY, tick=False):
        figures = statistics_for_area(area=llr)

    assert figures.reviews_finalised == 1


def test_on_1_april_the_new_year_starts_from_nothing(llr):
    finalised(llr, at(2026, 3, 20))

    with time_machine.travel(at(2026, 4, 1, 9), tick=False):
        figures = statistics_for_area(area=llr)

    assert figures.reviews_finalised == 0
    assert figures.year_label == "1 April 2026 to 31 March 2027"


def test_on_31_march_the_year_still_counts_from_last_april(llr):
    finalised(llr, at(2025, 4, 2))

    with time_machine.travel(at(2026, 3, 31, 18), tick=False):
        figures = statistics_for_area(area=llr)

    assert figures.reviews_finalised == 1
    assert figures.year_label == "1 April 2025 to 31 March 2026"


def test_notifications_and_cases_opened_are_counted_for_the_year(llr):
    NotificationFactory(area=llr, received_at=at(2026, 6, 1))
    NotificationFactory(area=llr, received_at=at(2026, 2, 1))
    CaseFactory(area=llr, opened_at=at(2026, 7, 1))
    CaseFactory(area=llr, opened_at=at(2025, 7, 1))

    with time_machine.travel(TODAY, tick=False):
        figures = statistics_for_area(area=llr)

    assert figures.notifications_received == 1
    assert figures.cases_opened == 1


def test_cases_are_counted_by_their_status_now(llr):
    CaseFactory.create_batch(2, area=llr, status=Status.AWAITING_PANEL)
    CaseFactory(area=llr, status=Status.NOTIFIED)

    figures = statistics_for_area(area=llr)

    counts = dict(figures.by_status)
    assert counts[Status.AWAITING_PANEL.label] == 2
    assert counts[Status.NOTIFIED.label] == 1
    assert counts[Status.FINALISED.label] == 0
    assert len(figures.by_status) == len(Status)


def test_another_areas_reviews_are_not_counted_in_llr(llr, other_area, client_for, alice, olu):
    finalised(llr, at(2026, 5, 1))
    finalised(other_area, at(2026, 5, 1))
    finalised(other_area, at(2026, 6, 1))

    with time_machine.travel(TODAY, tick=False):
        alices = client_for(alice).get("/staff/statistics/").text
        olus = client_for(olu).get("/staff/statistics/").text

    assert stat(alices, "llr") == 1
    assert f"finalised-{other_area.slug}" not in alices
    assert stat(olus, other_area.slug) == 2
    assert "finalised-llr" not in olus


@pytest.mark.parametrize("persona", ["chris", "pat"])
def test_the_panel_reads_the_figures_but_no_names(llr, client_for, request, persona):
    case = finalised(llr, at(2026, 5, 1))
    Case.objects.filter(pk=case.pk).update(child_last_name="Hiddenname")

    with time_machine.travel(TODAY, tick=False):
        page = client_for(request.getfixturevalue(persona)).get("/staff/statistics/")

    assert page.status_code == 200
    assert stat(page.text, "llr") == 1
    assert "Hiddenname" not in page.text


def _counting(area, today: datetime.date) -> tuple[object, list[str]]:
    """The statistics, and the statements that counted them (not the cache's own)."""
    with CaptureQueriesContext(connection) as queries:
        stats = statistics_for_area(area=area, today=today)
    return stats, [
        q["sql"] for q in queries if "cdop_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_the_figures_are_kept_and_a_case_or_notification_written_shows_at_once(llr, other_area):
    today = datetime.date(2026, 11, 27)
    with committed():
        finalised(llr, at(2026, 5, 1))
    first, first_queries = _counting(llr, today)
    again, again_queries = _counting(llr, today)

    with committed():
        CaseFactory(area=other_area, opened_at=at(2026, 6, 1))  # another area's: still kept
    _other, other_queries = _counting(llr, today)
    with committed():
        opened = CaseFactory(area=llr, opened_at=at(2026, 6, 1))
        NotificationFactory(area=llr, received_at=at(2026, 6, 2))
    after_writes, _ = _counting(llr, today)
    with committed():
        opened.status = Status.FINALISED
        opened.finalised_at = at(2026, 7, 1)
        opened.save()
    after_finalising, _ = _counting(llr, today)
    tomorrow, tomorrow_queries = _counting(llr, today + datetime.timedelta(days=1))

    assert len(first_queries) == 4
    assert again_queries == []
    assert other_queries == []
    assert again == first
    assert (first.cases_opened, first.reviews_finalised) == (1, 1)
    assert (after_writes.cases_opened, after_writes.notifications_received) == (2, 1)
    assert after_finalising.reviews_finalised == 2
    assert dict(after_finalising.by_status)["Finalised"] == 2
    assert len(tomorrow_queries) == 4  # each day counts afresh
    assert tomorrow.reviews_finalised == 2
