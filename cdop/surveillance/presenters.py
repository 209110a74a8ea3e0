"""The dashboard's table of watched groups as HTML, written in Python: through the template
language its seven rows (a link, a sparkline and a dozen lookups each) were about half of the
page's time once the tallies were kept (decision 79)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from cdop.surveillance import stats
from cdop.surveillance.selectors import GroupSignal

# The sparkline's last point, by level: red and amber as their tags, black otherwise.
_DOT = {stats.Level.RED: "#d4351c", stats.Level.AMBER: "#ffdd00"}


def _sparkline(signal: GroupSignal, window_days: int) -> str:
    line = signal.sparkline
    if not line or not line.points:
        return "–"
    code = escape(signal.group.code)
    x, y = line.last_point
    return (
        f'<svg width="{line.width}" height="{line.height}" viewBox="0 0 {line.width} '
        f'{line.height}" role="img" aria-labelledby="spark-{code}" focusable="false">'
        f'<title id="spark-{code}">Deaths in each {window_days} days, oldest first: '
        f"{escape(', '.join(str(n) for n in line.counts))}</title>"
        f'<polyline points="{escape(line.points)}" fill="none" stroke="#505a5f"'
        ' stroke-width="1.5"></polyline>'
        f'<circle cx="{escape(x)}" cy="{escape(y)}" r="2.5"'
        f' fill="{_DOT.get(signal.level, "#0b0c0c")}"></circle></svg>'
    )


def signal_rows_html(
    signals: Iterable[GroupSignal],
    *,
    area_slug: str,
    window_days: int,
    drill_down: bool,
    query: str,
) -> SafeString:
    """The table's rows, every value escaped; the link to a flagged group's deaths only for
    those who may drill down (surveillance.selectors.can_drill_down)."""
    rows = []
    for signal in signals:
        label = escape(signal.group.label)
        ratio = "–" if signal.ratio is None else floatformat(signal.ratio, 1)
        link = ""
        if drill_down and signal.flagged:
            href = reverse("surveillance:group", args=[area_slug, signal.group.code])
            deaths = "death" if signal.observed == 1 else "deaths"
            link = (
                f'<br><a class="govuk-link" href="{escape(href)}?{escape(query)}">See the '
                f'{signal.observed} {deaths}<span class="govuk-visually-hidden"> in the group '
                f"{label}</span></a>"
            )
        words, colour = signal.tag
        rows.append(
            '<tr class="govuk-table__row">'
            f'<th scope="row" class="govuk-table__header">{label}</th>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{signal.observed}</td>'
            '<td class="govuk-table__cell govuk-table__cell--numeric">'
            f"{escape(signal.expected_figure)}</td>"
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{escape(ratio)}</td>'
            f'<td class="govuk-table__cell">{escape(" ".join(signal.words))}{link}</td>'
            f'<td class="govuk-table__cell"><strong class="govuk-tag {escape(colour)}">'
            f"{escape(words)}</strong></td>"
            f'<td class="govuk-table__cell">{_sparkline(signal, window_days)}</td>'
            "</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
