"""The dashboard's rows written in Python say what the template's loop said."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import engines

from cdop.areas.models import Area
from cdop.surveillance.presenters import signal_rows_html
from cdop.surveillance.selectors import surveillance_dashboard
from cdop.surveillance.tests.factories import cluster, history

pytestmark = pytest.mark.django_db

# The rows as templates/surveillance/index.html wrote them before (stop 15).
TEMPLATE_ROWS = (Path(__file__).parent / "rows_before.html").read_text(encoding="utf-8")


def _tags_only(html: str) -> str:
    """The markup without the layout's whitespace: runs of it as one space, none beside a
    tag (where a browser shows none either)."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("drill_down", [True, False])
def test_the_rows_are_the_template_loops_rows(llr: Area, drill_down: bool) -> None:
    history(llr)
    cluster(llr, 6)
    dashboard = surveillance_dashboard(area=llr, window_days=90, years=5)
    assert any(s.flagged for s in dashboard.signals)  # a link to drill down to is shown
    assert any(s.sparkline and s.sparkline.points for s in dashboard.signals)
    query = "window=90&years=5"
    context = {"dashboard": dashboard, "area": llr, "drill_down": drill_down, "query": query}

    old = engines["django"].from_string(TEMPLATE_ROWS).render(context)
    new = signal_rows_html(
        dashboard.signals,
        area_slug=llr.slug,
        window_days=90,
        drill_down=drill_down,
        query=query,
    )

    assert _tags_only(new) == _tags_only(old)
    assert ("See the 6 deaths" in new) is drill_down
    assert "window=90&amp;years=5" in new or not drill_down
