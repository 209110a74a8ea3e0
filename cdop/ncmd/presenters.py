"""The NCMD area page's lists as HTML, written in Python (as cdop.actions.presenters does for
the action tracker): through the template language each row reversed its case's link and
formatted its dates, and the page's three lists (up to 200 cases to send again, 50 bulk
exports, 50 cases sent one at a time) took hundreds of milliseconds at 3,000 exports."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from cdop.cases.presenters import short_date
from cdop.ncmd.forms import BulkExportForm
from cdop.ncmd.models import NcmdBatch, PeriodBasis
from cdop.ncmd.selectors import BatchRow, ResendRow, SentRow

PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _when(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    """As the template's date:"j M Y, H:i" in the service's time zone ("" for none)."""
    if value is None:
        return ""
    local = timezone.localtime(value, tz)
    return f"{short_date(local)}, {local:%H:%M}"


def _truncated(text: str, length: int) -> str:
    """As the template's truncatechars (Truncator looks at every character only when the
    text is longer than the length once normalised)."""
    normal = unicodedata.normalize("NFC", text)
    return normal if len(normal) <= length else str(Truncator(text).chars(length))


class _CaseLinks:
    """The case's NCMD page, its path reversed once (a reference of other characters than
    letters, digits, hyphens and underscores, which none has, is reversed as before)."""

    def __init__(self) -> None:
        self.pattern = reverse("ncmd_case:page", args=["REFERENCE"]).replace(
            "/REFERENCE/", "/{}/", 1
        )

    def __call__(self, reference: str) -> str:
        if reference and set(reference) <= PLAIN:
            return self.pattern.format(reference)
        return escape(reverse("ncmd_case:page", args=[reference]))


def resend_rows_html(rows: Iterable[ResendRow]) -> SafeString:
    tz = timezone.get_current_timezone()
    link = _CaseLinks()
    html = []
    for row in rows:
        reference = escape(row.reference)
        why = (
            "Reopened after it was finalised"
            if row.ncmd_resend_needed
            else "Changed since it was sent"
        )
        html.append(
            '\n    <tr class="govuk-table__row">\n'
            '      <td class="govuk-table__cell"><a class="govuk-link"'
            f' href="{link(row.reference)}">{reference}</a></td>\n'
            f'      <td class="govuk-table__cell">{escape(row.get_status_display())}</td>\n'
            '      <td class="govuk-table__cell">'
            f"{escape(_when(row.last_export_at, tz) or 'Not from this service')}</td>\n"
            f'      <td class="govuk-table__cell">{why}</td>\n'
            "    </tr>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


def batch_rows_html(batches: Iterable[BatchRow]) -> SafeString:
    tz = timezone.get_current_timezone()
    bases = dict(PeriodBasis.choices)
    statuses = dict(NcmdBatch.Status.choices)
    html = []
    for batch in batches:
        by = batch.requested_by_name or "The command line"
        error = (
            f'<br><span class="govuk-body-s">{escape(batch.error)}</span>' if batch.error else ""
        )
        file = (
            f'<code class="app-code">{escape(batch.file_name)}</code><br>'
            f'<span class="govuk-body-s">SHA-256 {escape(_truncated(batch.sha256, 17))}</span>'
            if batch.file_name
            else ""
        )
        html.append(
            '\n    <tr class="govuk-table__row">\n'
            f'      <td class="govuk-table__cell">{escape(_when(batch.requested_at, tz))}'
            f'<br><span class="govuk-body-s">{escape(by)}</span></td>\n'
            '      <td class="govuk-table__cell">'
            f"{escape(str(bases.get(batch.basis, batch.basis)))}: "
            f"{escape(short_date(batch.date_from))} to {escape(short_date(batch.date_to))}</td>\n"
            '      <td class="govuk-table__cell">'
            f"{escape(str(statuses.get(batch.status, batch.status)))}{error}</td>\n"
            '      <td class="govuk-table__cell govuk-table__cell--numeric">'
            f"{int(batch.case_count)}</td>\n"
            f'      <td class="govuk-table__cell">{file}</td>\n'
            "    </tr>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


def recent_items_html(exports: Iterable[SentRow]) -> SafeString:
    tz = timezone.get_current_timezone()
    link = _CaseLinks()
    html = []
    for export in exports:
        reference = export.reference
        by = export.by_name or "the command line"
        html.append(
            f'\n  <li><a class="govuk-link" href="{link(reference)}">{escape(reference)}</a>, '
            f"{escape(_when(export.at, tz))}, by {escape(by)}</li>\n  "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


@lru_cache(maxsize=4)
def blank_bulk_export_form(start: dt.date, end: dt.date) -> SafeString:
    """The bulk export form's fields, blank but for the period proposed (this year to 31
    March), as {{ form }} renders them: the same for every request of the year, so made once
    a process for each period (the dates are the key; nothing else goes into it)."""
    form = BulkExportForm(
        initial={"basis": PeriodBasis.DATE_OF_DEATH, "date_from": start, "date_to": end}
    )
    return form.render()
