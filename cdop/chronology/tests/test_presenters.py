from __future__ import annotations

import datetime

from cdop.chronology.presenters import entries_html, entry_html
from cdop.chronology.registry import Entry

SUMMER = datetime.datetime(2026, 7, 3, 8, 5, tzinfo=datetime.UTC)  # 09:05 in the UK


def test_an_entry_reads_as_the_page_shows_it_in_uk_time():
    entry = Entry(at=SUMMER, kind="status", title="Case opened", by="Alice Manager")

    html = entry_html(entry, "Status changes")

    assert html == (
        '<li class="govuk-!-margin-bottom-6">'
        '<h3 class="govuk-heading-s govuk-!-margin-bottom-1">Case opened</h3>'
        '<p class="govuk-body-s govuk-!-margin-bottom-1">'
        '<time datetime="2026-07-03T09:05:00+01:00">3 July 2026, 09:05</time>'
        ' · Alice Manager · <strong class="govuk-tag govuk-tag--grey">Status changes</strong>'
        "</p></li>"
    )


def test_every_value_is_escaped_and_the_detail_keeps_its_line_breaks():
    entry = Entry(
        at=SUMMER,
        kind="family",
        title="<script>alert(1)</script>",
        detail="First line & more\nSecond <b>line</b>",
        by='O"Brien <x>',
        url="/staff/cases/LLR-1/?a=1&b=2",
        extra=(("From <role>", "A & B"),),
    )

    html = entry_html(entry, "Fam<ily>")

    assert "<script>" not in html
    assert "<b>" not in html
    assert "<x>" not in html
    assert (
        '<a class="govuk-link" href="/staff/cases/LLR-1/?a=1&amp;b=2">'
        "&lt;script&gt;alert(1)&lt;/script&gt;</a>"
    ) in html
    assert "First line &amp; more<br>Second &lt;b&gt;line&lt;/b&gt;" in html
    assert " · O&quot;Brien &lt;x&gt; · " in html
    assert "<li><strong>From &lt;role&gt;:</strong> A &amp; B</li>" in html
    assert "Fam&lt;ily&gt;</strong>" in html


def test_no_one_named_and_nothing_more_leaves_those_parts_out():
    html = entry_html(Entry(at=SUMMER, kind="clock", title="Met: JAR"), "Timescales")

    assert "</time> · <strong" in html
    assert "govuk-body govuk-" not in html
    assert "<ul" not in html


def test_entries_come_in_the_order_given():
    later = Entry(at=SUMMER + datetime.timedelta(days=1), kind="status", title="Second")
    first = Entry(at=SUMMER, kind="status", title="First")

    html = entries_html([(later, "Status changes"), (first, "Status changes")])

    assert html.index("Second") < html.index("First")
    assert html.count("<li class=") == 2


def test_the_filter_ticks_the_kinds_chosen_and_numbers_its_boxes_in_order():
    from cdop.chronology.presenters import kind_checkboxes_html
    from cdop.chronology.registry import Kind

    html = kind_checkboxes_html(
        [Kind("status", "Status changes"), Kind("family", "Family <&>")], ["family"]
    )

    assert (
        '<input class="govuk-checkboxes__input" id="id_kind_0" name="kind" type="checkbox"'
        ' value="status">' in html
    )
    assert 'id="id_kind_1" name="kind" type="checkbox" value="family" checked>' in html
    assert (
        '<label class="govuk-label govuk-checkboxes__label" for="id_kind_1">Family &lt;&amp;&gt;'
        in html
    )


def test_its_times_read_as_the_date_filter_writes_them():
    from django.template.defaultfilters import date as date_filter
    from django.utils import timezone

    for at in (SUMMER, datetime.datetime(2026, 1, 9, 23, 59, 1, 250, tzinfo=datetime.UTC)):
        local = timezone.localtime(at)

        html = entry_html(Entry(at=at, kind="status", title="T"), "Status changes")

        assert (
            f'<time datetime="{date_filter(local, "c")}">{date_filter(local, "j F Y, H:i")}</time>'
            in html
        )
