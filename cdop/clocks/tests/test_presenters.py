"""The overview's clock rows are built in Python: the same cells the template made."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone

from cdop.clocks.models import Clock
from cdop.clocks.presenters import clock_table_rows
from cdop.clocks.selectors import clock_status

pytestmark = pytest.mark.django_db

TEMPLATE = engines["django"].from_string(
    '{{ clock.due_at|date:"j M Y H:i" }}|'
    '{% if clock.stopped_at %}{{ clock.stopped_at|date:"j M Y H:i" }}{% else %}Not yet{% endif %}'
)


def test_each_clock_shows_its_times_as_the_template_did_and_escapes_its_label():
    summer = dt.datetime(2026, 7, 4, 8, 5, tzinfo=dt.UTC)  # 09:05 in London
    winter = dt.datetime(2026, 1, 9, 23, 30, tzinfo=dt.UTC)
    running = Clock(label="<Meeting> & more", due_at=summer, stopped_at=None, cancelled=False)
    met = Clock(label="Notify", due_at=summer, stopped_at=winter, cancelled=False)
    now = timezone.now()

    html = clock_table_rows((c, clock_status(c, now=now)) for c in (running, met))

    for clock in (running, met):
        due, done = TEMPLATE.render({"clock": clock}).split("|")
        assert f">{due}</td>" in html
        assert f">{done}</td>" in html
    assert "4 Jul 2026 09:05" in html
    assert "9 Jan 2026 23:30" in html
    assert "&lt;Meeting&gt; &amp; more" in html
    assert "<Meeting>" not in html
    assert f'govuk-tag govuk-tag--green">{clock_status(met, now=now).label}</strong>' in html
