"""The papers as a PDF (WeasyPrint), the check of its text, and the reader's watermark (pypdf).

Self-contained: the URL fetcher refuses anything from outside.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone

from cdop.papers.anonymise import CaseIdentifiers, IdentifierCheck


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"The papers PDF fetches nothing ({url})")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when needed: it is slow to load

    return bytes(HTML(string=html, url_fetcher=_no_fetching).write_pdf())


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_identifiers_found(pdf: bytes, identifiers: CaseIdentifiers) -> list[str]:
    """The kinds of identifier still in the PDF's text (whole names, NHS numbers, postcodes,
    dates of birth, addresses, references); empty when it is clean."""
    return IdentifierCheck(identifiers, whole_names_only=True)(pdf_text(pdf)).found


def watermark_page(*, reader_name: str, at: datetime) -> bytes:
    """One A4 page, transparent but for the reader's name and the time, to lay over each
    page of the papers."""
    html = render_to_string(
        "papers/watermark.html",
        {"reader_name": reader_name, "at": timezone.localtime(at)},
    )
    return html_to_pdf(html)


def watermarked(pdf: bytes, *, reader_name: str, at: datetime) -> bytes:
    """The frozen papers with the reader's watermark over every page."""
    from pypdf import PdfReader, PdfWriter

    stamp = PdfReader(io.BytesIO(watermark_page(reader_name=reader_name, at=at))).pages[0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.merge_page(stamp, over=True)
    writer.add_metadata({"/Title": "Anonymised papers", "/Subject": f"Copy for {reader_name}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
