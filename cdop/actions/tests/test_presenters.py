"""The tracker's rows written in Python: what the template wrote, every value escaped."""

from __future__ import annotations

import datetime
from html import escape

import pytest
from django.utils.text import Truncator

from cdop.actions.presenters import action_status_tag, tracker_rows_html
from cdop.core.forms import select_options_html


def _row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "pk": 7,
        "case__reference": "LLR-2026-0107",
        "description": "Review the safe-sleep leaflet",
        "category": "Safe sleeping",
        "owner_organisation__name": "",
        "owner_name": "Health visiting",
        "due_on": datetime.date(2026, 12, 3),
        "status": "in_progress",
        "overdue": False,
    }
    return row | changes


def test_a_row_links_the_action_and_the_cases_actions_and_shows_its_details():
    html = tracker_rows_html([_row()])

    assert 'href="/staff/actions/7/">ACT-00007</a>' in html
    assert 'href="/staff/cases/LLR-2026-0107/actions/">LLR-2026-0107</a>' in html
    assert "Review the safe-sleep leaflet<br>" in html
    assert '<span class="govuk-hint govuk-!-display-inline">Safe sleeping</span>' in html
    assert ">Health visiting</td>" in html
    assert ">3 Dec 2026</td>" in html
    assert '<strong class="govuk-tag govuk-tag--blue">In progress</strong>' in html
    assert "Overdue" not in html


def test_markup_typed_into_an_action_is_shown_as_text():
    html = tracker_rows_html(
        [_row(description='<script>alert("x")</script>', owner_name="<b>Team</b>", category="")]
    )

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Team&lt;/b&gt;" in html
    assert "govuk-hint" not in html  # no category, no line for it


def test_a_long_description_is_cut_at_200_characters_and_a_late_one_says_overdue():
    html = tracker_rows_html([_row(description="x" * 300, status="open", overdue=True)])

    assert "x" * 199 + "…" in html
    assert "x" * 200 not in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Open</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html


def test_each_status_has_its_tag():
    assert 'govuk-tag--green">Done' in action_status_tag("done")
    assert 'govuk-tag--grey">Dropped' in action_status_tag("dropped")
    assert 'govuk-tag--yellow">Open' in action_status_tag("open")


@pytest.mark.parametrize(
    "description",
    [
        "Short",
        "x" * 200,
        "x" * 201,
        "e\u0301" * 150,  # decomposed accents: normalised, and the marks do not count
        "e\u0301" * 250,
        "\u00e9" * 199 + "e\u0301",
    ],
)
def test_a_description_is_cut_exactly_as_the_truncator_cuts_it(description: str):
    html = tracker_rows_html([_row(description=description)])

    assert f">{escape(Truncator(description).chars(200))}<br>" in html


def test_a_filters_options_mark_the_value_sent_and_escape_every_label():
    choices = [("", "All organisations"), ("3", "<Trust & Co>"), ("30", "Police")]

    assert select_options_html(choices, "3") == (
        '<option value="">All organisations</option>'
        '<option value="3" selected>&lt;Trust &amp; Co&gt;</option>'
        '<option value="30">Police</option>'
    )
    assert " selected" not in select_options_html(choices, None)
    assert " selected" not in select_options_html(choices, "")
    assert select_options_html(choices, "", blank_can_be_chosen=True).startswith(
        '<option value="" selected>'
    )
