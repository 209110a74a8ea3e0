"""The data-quality page's rows as HTML, written in Python (as cdop.actions.presenters does
for the action tracker): through the template language each of the fifty rows reversed its
link and worked out its score's tag, counts and first problems again for every cell, about
half of the page's time."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from cdop.dataquality.checks import Severity
from cdop.dataquality.selectors import PLAIN_REFERENCE, TAGS, Row

_NOT_CHECKED = (
    '\n      <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--grey">'
    "Not checked yet</strong></td>\n"
    '      <td class="govuk-table__cell govuk-table__cell--numeric">–</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">–</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">–</td>\n'
    '      <td class="govuk-table__cell govuk-body-s">'
    "Open the case's data-quality page to check it now</td>\n      "
)
SHOWN_ISSUES = 3


def _score_cells(row: Row) -> str:
    quality = row.quality
    if quality is None:
        return _NOT_CHECKED
    errors = sum(1 for issue in quality.issues if issue.severity == Severity.ERROR)
    warnings = sum(1 for issue in quality.issues if issue.severity == Severity.WARNING)
    tag = "problems" if errors else "attention" if warnings else "good"
    label, css = TAGS[tag]
    issues = "; ".join(escape(issue.rule.title) for issue in quality.issues[:SHOWN_ISSUES])
    more = len(quality.issues) - SHOWN_ISSUES
    if more > 0:
        issues += f"; and {more} more"
    return (
        f'\n      <td class="govuk-table__cell"><strong class="govuk-tag {css}">{label}</strong>'
        "</td>\n"
        '      <td class="govuk-table__cell govuk-table__cell--numeric">'
        f"{quality.completeness}%</td>\n"
        f'      <td class="govuk-table__cell govuk-table__cell--numeric">{errors}</td>\n'
        f'      <td class="govuk-table__cell govuk-table__cell--numeric">{warnings}</td>\n'
        f'      <td class="govuk-table__cell govuk-body-s">{issues}</td>\n      '
    )


def area_rows_html(rows: Iterable[Row]) -> SafeString:
    """The area page's table rows (selectors.rows_for_ids), laid out as the template laid
    them out, every value escaped; the link's path is reversed once."""
    link = reverse("dataquality_case:page", args=["REFERENCE"]).replace("/REFERENCE/", "/{}/")
    html = []
    for row in rows:
        reference = escape(row.reference)
        if PLAIN_REFERENCE.fullmatch(row.reference):
            href = link.format(row.reference)
        else:  # none is made so; reversed (and quoted) as the template's {% url %} did
            href = escape(reverse("dataquality_case:page", args=[row.reference]))
        html.append(
            '\n    <tr class="govuk-table__row">\n'
            '      <td class="govuk-table__cell cdop-nowrap"><a class="govuk-link"'
            f' href="{href}">{reference}</a></td>\n'
            f'      <td class="govuk-table__cell">{escape(row.status_label)}</td>\n      '
            f"{_score_cells(row)}\n    </tr>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
