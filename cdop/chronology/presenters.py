"""The chronology's entries as HTML, written in Python: through the template language (an
include and a dozen lookups and filters for each of a case's hundred-odd entries) they took
about half of the page's time once its queries were built once (cdop.core.compiled)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from html import escape

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe

from cdop.chronology.registry import Entry, Kind


def _when(at: datetime.datetime) -> str:
    """As the date filter's "j F Y, H:i" writes it ("3 July 2026, 09:05"), without parsing
    the format again for every entry (the `c` format is isoformat(), as Django's is)."""
    return f"{at.day} {MONTHS[at.month]} {at.year}, {at:%H:%M}"


def entry_html(entry: Entry, label: str) -> str:
    """One entry, as chronology/_entry.html wrote it: every value escaped."""
    title = escape(entry.title)
    if entry.url:
        title = f'<a class="govuk-link" href="{escape(entry.url)}">{title}</a>'
    at = timezone.localtime(entry.at) if timezone.is_aware(entry.at) else entry.at
    by = f" · {escape(entry.by)}" if entry.by else ""
    detail = (
        '<p class="govuk-body govuk-!-margin-bottom-1">'
        f"{linebreaksbr(entry.detail, autoescape=True)}</p>"
        if entry.detail
        else ""
    )
    extra = (
        '<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-0">'
        + "".join(
            f"<li><strong>{escape(name)}:</strong> {escape(value)}</li>"
            for name, value in entry.extra
        )
        + "</ul>"
        if entry.extra
        else ""
    )
    return (
        '<li class="govuk-!-margin-bottom-6">'
        f'<h3 class="govuk-heading-s govuk-!-margin-bottom-1">{title}</h3>'
        '<p class="govuk-body-s govuk-!-margin-bottom-1">'
        f'<time datetime="{at.isoformat()}">{_when(at)}</time>'
        f'{by} · <strong class="govuk-tag govuk-tag--grey">{escape(label)}</strong></p>'
        f"{detail}{extra}</li>"
    )


def entries_html(rows: Iterable[tuple[Entry, str]]) -> SafeString:
    """The list items of (entry, label) pairs, in the order given."""
    return mark_safe("".join(entry_html(entry, label) for entry, label in rows))  # noqa: S308 - every value escaped above


def kind_checkboxes_html(kinds: Iterable[Kind], selected: Iterable[str]) -> SafeString:
    """The filter's checkboxes, one a kind of entry, those selected ticked."""
    chosen = set(selected)
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            '<div class="govuk-checkboxes__item">'
            f'<input class="govuk-checkboxes__input" id="id_kind_{i}" name="kind" type="checkbox"'
            f' value="{escape(kind.key)}"{" checked" if kind.key in chosen else ""}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="id_kind_{i}">'
            f"{escape(kind.label)}</label></div>"
            for i, kind in enumerate(kinds)
        )
    )
