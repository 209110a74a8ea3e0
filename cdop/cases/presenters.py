"""HTML for the case list's rows, built in Python.

The case list is the page staff open most. Rendered by the template engine, its 50 rows cost
far more than the rest of the page (a variable lookup and a date filter per cell, and a model
instance per row). Here each row is one f-string over plain values, every value escaped with
the standard library's html.escape.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from functools import lru_cache
from html import escape

from django.forms import BoundField
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cdop.cases.models import Expectedness
from cdop.cases.workflow import Status

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STATUS_LABELS = dict(Status.choices)

# The columns a row needs, in order: what the list's query selects.
LIST_COLUMNS = (
    "reference",
    "child_first_name",
    "child_last_name",
    "date_of_death",
    "status",
    "status_changed_at",
    "key_worker_id",
)
CaseRow = tuple[str, str, str, dt.date, str, dt.datetime, int | None]


def short_date(value: dt.date | dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """The GOV.UK short date ("4 Mar 2026") in the service's time zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(tz or timezone.get_current_timezone())
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def short_datetime(value: dt.datetime, tz: dt.tzinfo) -> str:
    """The short date and the time ("4 Mar 2026 14:05", as the template's "j M Y H:i")."""
    local = value.astimezone(tz)
    return f"{short_date(local)} {local:%H:%M}"


def case_list_rows(rows: Iterable[CaseRow], key_workers: dict[int, str]) -> SafeString:
    """The rows; `key_workers` names the key workers by id (the names are already loaded
    for the filter, so the page query needs no join)."""
    prefix = escape(reverse("cases:list"))
    tz = timezone.get_current_timezone()
    html = []
    for reference, first_name, last_name, died, status, changed, key_worker_id in rows:
        key_worker = key_workers.get(key_worker_id, "") if key_worker_id is not None else ""
        ref = escape(reference)
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell cdop-nowrap">'
            f'<a class="govuk-link" href="{prefix}{ref}/">{ref}</a></td>'
            f'<td class="govuk-table__cell">{escape(first_name)} {escape(last_name)}</td>'
            f'<td class="govuk-table__cell">{short_date(died)}</td>'
            f'<td class="govuk-table__cell">{escape(_STATUS_LABELS.get(status, status))}</td>'
            f'<td class="govuk-table__cell">{short_date(changed, tz)}</td>'
            f'<td class="govuk-table__cell">{escape(key_worker)}</td></tr>'
        )
    if not html:
        html.append(
            '<tr class="govuk-table__row">'
            '<td class="govuk-table__cell" colspan="6">No cases match.</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


# The export: what the list shows and filters on, and no more (no NHS number, date of birth
# or address): a spreadsheet travels further than a page, so it carries only what finding
# and planning the work needs. Each opens the case by its reference.
CSV_COLUMNS = (
    "reference",
    "child_first_name",
    "child_last_name",
    "date_of_death",
    "expectedness",
    "status",
    "status_changed_at",
    "opened_at",
    "key_worker__full_name",
)
CSV_HEADER = (
    "Reference",
    "First name",
    "Surname",
    "Date of death",
    "Expected or unexpected",
    "Stage",
    "In this stage since",
    "Opened",
    "Key worker",
)
_EXPECTEDNESS_LABELS = dict(Expectedness.choices)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """The value, made inert if a spreadsheet would read it as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


CsvRow = tuple[str, str, str, dt.date, str, str, dt.datetime, dt.datetime, str | None]


def case_list_csv(rows: Iterable[CsvRow]) -> Iterator[str]:
    """The CSV lines of the export, one at a time (for a streaming response)."""
    writer = csv.writer(_Echo())
    tz = timezone.get_current_timezone()
    yield writer.writerow(CSV_HEADER)
    for reference, first, last, died, expected, status, changed, opened, worker in rows:
        yield writer.writerow(
            [
                csv_cell(reference),
                csv_cell(first),
                csv_cell(last),
                died.isoformat(),
                _EXPECTEDNESS_LABELS.get(expected, expected),
                _STATUS_LABELS.get(status, status),
                changed.astimezone(tz).date().isoformat(),
                opened.astimezone(tz).date().isoformat(),
                csv_cell(worker or ""),
            ]
        )


@lru_cache(maxsize=64)
def _options(choices: tuple[tuple[str, str], ...]) -> str:
    """A select's options, escaped once for each list of choices (most lists are the same for
    every request; the key workers' differs by area, hence a bounded cache keyed by the
    choices themselves, so it is right in every process without expiring)."""
    return "".join(
        f'<option value="{escape(value)}">{escape(text)}</option>' for value, text in choices
    )


def filter_select(field: BoundField) -> SafeString:
    """One filter of the list as a GOV.UK select, built here rather than by the widget
    templates: the filters hold about 70 options, and rendering each through a template
    cost more than the rest of the page. The options are made once per list of choices;
    the chosen one is marked by replacing its (unique) opening tag."""
    name = field.html_name
    ident = f"id_{name}"
    chosen = field.data if isinstance(field.data, str) else ""
    errors = field.errors
    described = []
    parts = [f'<div class="govuk-form-group{" govuk-form-group--error" if errors else ""}">']
    label = escape(str(field.label))
    parts.append(f'<label class="govuk-label govuk-label--s" for="{ident}">{label}</label>')
    if errors:
        described.append(f"{ident}-error")
        parts.append(
            f'<p id="{ident}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {escape(str(errors[0]))}</p>'
        )
    aria = f' aria-describedby="{" ".join(described)}"' if described else ""
    css = "govuk-select govuk-select--error" if errors else "govuk-select"
    parts.append(f'<select class="{css}" id="{ident}" name="{escape(name)}"{aria}>')
    choices = tuple(
        (str(value), str(text))
        for value, text in field.field.choices  # type: ignore[attr-defined]
    )
    options = _options(choices)
    if any(value == chosen for value, _text in choices):
        tag = f'<option value="{escape(chosen)}">'
        options = options.replace(tag, f'<option value="{escape(chosen)}" selected>', 1)
    parts.append(options)
    parts.append("</select></div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


_STAGE_BOXES = tuple(
    (
        value,
        '<div class="govuk-checkboxes__item">'
        f'<input class="govuk-checkboxes__input" id="id_status_{i}" name="status" '
        f'type="checkbox" value="{escape(value)}"',
        f'><label class="govuk-label govuk-checkboxes__label" for="id_status_{i}">'
        f"{escape(str(label))}</label></div>",
    )
    for i, (value, label) in enumerate(Status.choices)
)


def stage_checkboxes(chosen: Iterable[str]) -> SafeString:
    """The Stage filter's checkboxes (one per stage, the chosen ones ticked), as plain HTML."""
    ticked = set(chosen)
    return mark_safe(  # noqa: S308 - the values and labels are escaped above
        "\n".join(
            f"{start}{' checked' if value in ticked else ''}{end}"
            for value, start, end in _STAGE_BOXES
        )
    )


def search_box(field: BoundField) -> SafeString:
    """The search box as a GOV.UK text input, built here like the filters (through the form
    renderer's templates it cost about as much as the rest of the list's own markup)."""
    ident = f"id_{field.html_name}"
    value = field.value() or ""
    errors = field.errors
    hint = f"{ident}_helptext"
    described = [hint]
    label = escape(str(field.label))
    parts = [
        f'<div class="govuk-form-group{" govuk-form-group--error" if errors else ""}">',
        f'<label class="govuk-label govuk-label--s" for="{ident}">{label}</label>',
        f'<div id="{hint}" class="govuk-hint">{escape(str(field.help_text))}</div>',
    ]
    if errors:
        described.append(f"{ident}-error")
        parts.append(
            f'<p id="{ident}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {escape(str(errors[0]))}</p>'
        )
    css = "govuk-input govuk-input--error" if errors else "govuk-input"
    invalid = ' aria-invalid="true"' if errors else ""
    shown = f' value="{escape(str(value))}"' if value else ""
    max_length = getattr(field.field, "max_length", None)
    limit = f' maxlength="{max_length}"' if max_length else ""
    parts.append(
        f'<input type="text" name="{escape(field.html_name)}"{shown}{limit} class="{css}"'
        f'{invalid} aria-describedby="{" ".join(described)}" id="{ident}">'
    )
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
