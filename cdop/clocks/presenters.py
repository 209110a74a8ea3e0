"""The case overview's clock table rows, built in Python: the overview is the page staff open
most after the list, and the template's date filter and variable lookups for each clock cost
more than the rest of the section. Every value is escaped with html.escape."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cdop.cases.presenters import short_datetime
from cdop.clocks.models import Clock
from cdop.clocks.selectors import CaseClock, ClockStatus


def clock_table_rows(clocks: Iterable[tuple[Clock | CaseClock, ClockStatus]]) -> SafeString:
    tz = timezone.get_current_timezone()
    html = []
    for clock, status in clocks:
        done = short_datetime(clock.stopped_at, tz) if clock.stopped_at else "Not yet"
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell">{escape(clock.label)}</td>'
            f'<td class="govuk-table__cell cdop-nowrap">{short_datetime(clock.due_at, tz)}</td>'
            f'<td class="govuk-table__cell cdop-nowrap">{done}</td>'
            '<td class="govuk-table__cell"><strong class="govuk-tag '
            f'{escape(status.tag_class)}">{escape(status.label)}</strong></td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
