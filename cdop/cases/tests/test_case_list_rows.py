from __future__ import annotations

import datetime

import pytest

from cdop.cases.models import Case
from cdop.cases.presenters import LIST_COLUMNS, case_list_rows, short_date
from cdop.cases.selectors import case_list_rows_by_id
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_markup_in_a_name_is_shown_as_text_in_the_case_list(llr, client_for, alice):
    CaseFactory(area=llr, child_first_name='<script>alert("x")</script>', child_last_name="O'Neil")

    page = client_for(alice).get("/staff/cases/").text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "O&#x27;Neil" in page


def test_each_row_links_to_its_case_and_shows_its_status_in_words(llr):
    changed = datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC)  # 4 March in London
    html = case_list_rows(
        [
            (
                "LLR-2026-0001",
                "Ada",
                "Synthetic",
                datetime.date(2026, 2, 1),
                "awaiting_panel",
                changed,
                7,
            )
        ],
        {7: "Kim <Keyworker>"},
    )

    assert 'href="/staff/cases/LLR-2026-0001/"' in html
    assert "Awaiting panel" in html
    assert "1 Feb 2026" in html
    assert "4 Mar 2026" in html
    assert "Kim &lt;Keyworker&gt;" in html


def test_an_empty_list_says_so():
    assert "No cases match." in case_list_rows([], {})


def test_short_dates_use_london_time():
    late_in_summer = datetime.datetime(2026, 7, 31, 23, 30, tzinfo=datetime.UTC)
    assert short_date(late_in_summer) == "1 Aug 2026"
    assert short_date(None) == ""


def test_the_searchs_rows_by_id_are_the_lists_columns_as_the_orm_reads_them(llr, kim):
    """A search reads its page's rows in fixed SQL (selectors.case_list_rows_by_id); the rest
    of the list through the ORM (values_list of presenters.LIST_COLUMNS). Same values, same
    types, in the same order, or the rows would be drawn differently."""

    cases = [
        CaseFactory(area=llr, key_worker=kim, child_first_name="Zoë", child_last_name="O'Neill"),
        CaseFactory(area=llr, child_nhs_number=""),
    ]
    ids = [c.pk for c in cases]

    by_sql = case_list_rows_by_id(ids)
    by_orm = {
        row[0]: row[1:] for row in Case.objects.filter(pk__in=ids).values_list("pk", *LIST_COLUMNS)
    }

    assert by_sql == by_orm
    for pk in ids:
        assert [type(v) for v in by_sql[pk]] == [type(v) for v in by_orm[pk]]
    assert case_list_rows_by_id([]) == {}
