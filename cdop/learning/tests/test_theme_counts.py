"""The index's counts: a theme's tagged cases are those still the area's review (not merged,
transferred or closed as out of scope), its reviewed ones those the panel has reviewed; the
page's queries do not grow with the tags."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.cases.workflow import Status
from cdop.core.tests.helpers import committed
from cdop.investigations.tests.helpers import opened_case
from cdop.learning.models import Theme
from cdop.learning.selectors import theme_counts
from cdop.learning.tests.helpers import tag

pytestmark = pytest.mark.django_db

EVERY_STATUS = list(Status)


def _counts(area) -> dict[str, tuple[int, int]]:
    return {c.theme.slug: (c.tagged, c.reviewed) for c in theme_counts(area=area)}


def test_each_stage_counts_as_tagged_reviewed_or_neither(llr, other_area):
    for status in EVERY_STATUS:
        tag(opened_case(area=llr, status=status), "water-safety")
    tag(opened_case(area=other_area, status=Status.FINALISED), "water-safety")

    # Ten stages: three are no longer the area's review; two of the seven left are reviewed.
    assert _counts(llr)["water-safety"] == (7, 2)
    assert _counts(llr)["safe-sleep"] == (0, 0)


def test_an_inactive_theme_is_listed_while_a_case_of_the_area_keeps_its_tag(llr):
    gone = Theme.objects.get(slug="road-safety", area__isnull=True)
    Theme.objects.filter(pk=gone.pk).update(active=False)
    tag(opened_case(area=llr, status=Status.MERGED), "road-safety")

    assert "road-safety" not in _counts(llr)

    tag(opened_case(area=llr, status=Status.AWAITING_PANEL), "road-safety")

    assert _counts(llr)["road-safety"] == (1, 0)


def test_the_index_takes_the_same_queries_for_one_tag_or_thirty(client_for, pat, llr):
    # The clock stands still, and each measured request follows one that warmed the session:
    # what is counted is the page's own work, not a once-a-minute session write or a cache
    # refilled after the cases were added (PostgreSQL's CI once counted one query more).
    with time_machine.travel(timezone.now(), tick=False):
        tag(opened_case(area=llr, status=Status.FINALISED), "safe-sleep")
        client = client_for(pat)
        client.get("/staff/learning/")  # the session and the roles cached
        with CaptureQueriesContext(connection) as one:
            assert client.get("/staff/learning/").status_code == 200

        for n in range(30):
            status = EVERY_STATUS[n % len(EVERY_STATUS)]
            tag(opened_case(area=llr, status=status), ("safe-sleep", "water-safety")[n % 2])
        client.get("/staff/learning/")
        with CaptureQueriesContext(connection) as thirty:
            assert client.get("/staff/learning/").status_code == 200

    assert len(thirty) == len(one), [q["sql"][:120] for q in thirty.captured_queries]


def _counting_queries(area) -> list[str]:
    """The statements of one reading of the counts that count tags (not the cache's)."""
    with CaptureQueriesContext(connection) as queries:
        theme_counts(area=area)
    return [q["sql"] for q in queries if "learning_casetheme" in q["sql"]]


def test_the_counts_are_kept_and_a_tag_or_a_review_shows_at_once(llr, other_area):
    with committed():
        case = opened_case(area=llr, status=Status.AWAITING_PANEL)
        tag(case, "water-safety")
    first = _counting_queries(llr)
    again = _counting_queries(llr)

    with committed():
        tag(opened_case(area=other_area, status=Status.FINALISED), "water-safety")
    other = _counting_queries(llr)
    with committed():
        tag(opened_case(area=llr, status=Status.FINALISED), "water-safety")
    after_tag = _counts(llr)["water-safety"]
    with committed():
        case.status = Status.PANEL_REVIEWED
        case.save()
    after_review = _counts(llr)["water-safety"]

    assert len(first) == 2  # every tag by theme, then the tags of cases not reviewed
    assert again == []
    assert other == []  # another area's tag leaves this area's counts kept
    assert after_tag == (2, 1)
    assert after_review == (2, 2)
