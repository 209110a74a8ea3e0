"""The learning themes' table rows as HTML, written in Python: through the template language
each theme's row reversed its link and made a dozen lookups, most of the page's time once
the counts were kept (decision 79)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from cdop.learning.selectors import ThemeCount

_OWN = ' <span class="govuk-tag govuk-tag--grey">this area\'s</span>'
_RETIRED = ' <span class="govuk-tag govuk-tag--grey">no longer offered</span>'


def theme_rows_html(rows: Iterable[ThemeCount], *, area_slug: str) -> SafeString:
    """An area's themes with their counts, every value escaped; the link's path reversed
    once and each theme's slug put in."""
    link = reverse("learning:theme", args=[area_slug, "THEME"]).replace("/THEME/", "/{}/")
    html = []
    for row in rows:
        theme = row.theme
        own = _OWN if theme.area_id else ""
        retired = "" if theme.active else _RETIRED
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell"><a class="govuk-link"'
            f' href="{escape(link.format(theme.slug))}">{escape(theme.name)}</a>{own}{retired}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(row.tagged)}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(row.reviewed)}</td>'
            "</tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
