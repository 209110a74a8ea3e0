"""The index's rows written in Python say what the template's loop said."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import engines

from cdop.cases.workflow import Status
from cdop.investigations.tests.helpers import opened_case
from cdop.learning.models import Theme
from cdop.learning.presenters import theme_rows_html
from cdop.learning.selectors import theme_counts
from cdop.learning.tests.helpers import tag

pytestmark = pytest.mark.django_db

# The rows as templates/learning/index.html wrote them before (stop 15).
TEMPLATE_ROWS = (Path(__file__).parent / "rows_before.html").read_text(encoding="utf-8")


def _tags_only(html: str) -> str:
    """The markup without the layout's whitespace: runs of it as one space, none beside a
    tag (where a browser shows none either)."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


def test_the_rows_are_the_template_loops_rows(llr):
    tag(opened_case(area=llr, status=Status.FINALISED), "water-safety")
    Theme.objects.create(area=llr, slug="own-theme", name="Our <own> & theme", active=True)
    gone = Theme.objects.get(slug="road-safety", area__isnull=True)
    tag(opened_case(area=llr, status=Status.FINALISED), "road-safety")
    gone.active = False
    gone.save()
    counts = theme_counts(area=llr)
    entry = {"area": llr, "counts": counts}

    old = engines["django"].from_string(TEMPLATE_ROWS).render({"entry": entry})
    new = theme_rows_html(counts, area_slug=llr.slug)

    assert _tags_only(new) == _tags_only(old)
    assert "Our &lt;own&gt; &amp; theme</a> <span" in new
    assert "no longer offered" in new
