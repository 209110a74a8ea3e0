"""The case chronology as a PDF for the case file (WeasyPrint), marked OFFICIAL-SENSITIVE.

Self-contained: the URL fetcher refuses anything from outside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    from cdop.cases.models import Case
    from cdop.chronology.registry import Entry


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The chronology PDF fetches nothing ({url})")


def chronology_pdf(
    *, case: Case, rows: list[tuple[Entry, str]], filters_text: list[str], prepared_by: str
) -> bytes:
    """rows: each entry with the label of its kind."""
    from weasyprint import HTML  # imported when needed: it is slow to load

    html = render_to_string(
        "chronology/pdf.html",
        {
            "case": case,
            "rows": rows,
            "filters_text": filters_text,
            "prepared_by": prepared_by,
            "generated_at": timezone.localtime(),
        },
    )
    return bytes(HTML(string=html, url_fetcher=_no_fetching).write_pdf())
