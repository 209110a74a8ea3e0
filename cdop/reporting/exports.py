"""The annual report as a PDF (WeasyPrint) and as an Excel workbook (XlsxWriter).

Both are made from the same suppressed tables as the page (`Table.body()`), so neither can
show a figure the page hides. In the workbook, shown counts are numbers and everything else
is written with `write_string`: a label starting with =, +, -, @ or a tab stays text and can
never become a formula.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.template.loader import render_to_string

from cdop.reporting.annual import AnnualReport, Entry, Table
from cdop.reporting.suppression import MARK_NOTES

SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):  # type: ignore[misc]
        """The PDF fetches nothing from outside: only the charts embedded as data: URIs."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"The annual report PDF fetches nothing ({url[:80]})")
            return super().fetch(url, headers)

    return DataOnly(allowed_protocols={"data"})


def annual_report_pdf_html(
    *, report: AnnualReport, sections: list[tuple[Table, str | None]]
) -> str:
    return render_to_string(
        "reporting/annual_pdf.html",
        {"report": report, "sections": sections, "marks": MARK_NOTES.items()},
    )


def annual_report_pdf(*, report: AnnualReport, sections: list[tuple[Table, str | None]]) -> bytes:
    from weasyprint import HTML  # imported when needed: it is slow to load

    html = annual_report_pdf_html(report=report, sections=sections)
    return bytes(HTML(string=html, url_fetcher=_fetcher()).write_pdf())


def _sheet_name(title: str, used: set[str]) -> str:
    base = SHEET_NAME_BAD.sub(" ", title)[:28].strip() or "Table"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:25]} {n}"
    used.add(name.lower())
    return name


def annual_report_xlsx(*, report: AnnualReport) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    # strings_to_formulas off as well: write_string is used for all text, and this makes sure
    # nothing written another way could turn into a formula either.
    workbook = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    right = workbook.add_format({"align": "right"})
    used: set[str] = set()

    summary = workbook.add_worksheet(_sheet_name("Summary", used))
    summary.set_column(0, 0, 48)
    summary.set_column(1, 1, 16)
    lines: list[tuple[str, Entry]] = [
        ("Area", Entry(report.area.name)),
        ("Period", Entry(report.period.label)),
        ("Deaths notified", Entry.of(report.deaths_notified)),
        ("Reviews completed", Entry.of(report.reviews_completed)),
        ("Reviews outstanding at the end of the period", Entry.of(report.backlog)),
        (
            "Median days from death to completion",
            Entry(
                str(report.median_days_to_completion)
                if report.median_days_to_completion is not None
                else "Not shown",
                report.median_days_to_completion,
            ),
        ),
        ("Reviews with modifiable factors", Entry(report.modifiable_share or "Not shown")),
    ]
    summary.write_string(0, 0, f"Child deaths annual report: {report.area.name}", bold)
    for row, (label, entry) in enumerate(lines, start=2):
        summary.write_string(row, 0, label)
        _write(summary, row, 1, entry, right)
    row = len(lines) + 3
    summary.write_string(row, 0, "Markers", bold)
    for mark, note in MARK_NOTES.items():
        row += 1
        summary.write_string(row, 0, mark)
        summary.write_string(row, 1, note)

    for table in report.tables:
        sheet = workbook.add_worksheet(_sheet_name(table.title, used))
        sheet.set_column(0, 0, 44)
        sheet.set_column(1, 12, 14)
        sheet.write_string(0, 0, table.title, bold)
        header = table.header()
        for column, text in enumerate(header):
            sheet.write_string(2, column, text, bold)
        body = table.body()
        for offset, entries in enumerate([*body, table.footer()]):
            for column, entry in enumerate(entries):
                _write(sheet, 3 + offset, column, entry, right)
        after = 3 + len(body) + 2
        sheet.write_string(after, 0, table.definition, wrap)
        if table.note:
            sheet.write_string(after + 1, 0, table.note, wrap)
    workbook.close()
    return out.getvalue()


def _write(sheet: Any, row: int, column: int, entry: Entry, numeric_format: Any) -> None:
    if entry.number is not None:
        sheet.write_number(row, column, entry.number)
    elif entry.hidden:
        sheet.write_string(row, column, entry.text, numeric_format)
    else:
        sheet.write_string(row, column, entry.text)
