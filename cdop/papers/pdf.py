"""The papers as a PDF (WeasyPrint), the check of its text, and the reader's watermark (pypdf).

Self-contained: the URL fetcher refuses anything from outside.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cdop.papers.anonymise import CaseIdentifiers, IdentifierCheck

# DejaVu Sans cut down to Latin script without its OpenType layout tables ("Papers Sans",
# renamed as its licence asks; LICENSE-DejaVu.txt). WeasyPrint subsets the fonts it embeds
# in every PDF, and subsetting the whole DejaVu took about 1.5 s a font a document here;
# the cut-down font takes a few milliseconds. Characters outside it fall back to the
# system's sans-serif.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {
    "regular": (FONT_DIR / "PapersSans.ttf").as_uri(),
    "bold": (FONT_DIR / "PapersSans-Bold.ttf").as_uri(),
}


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class FontsOnly(URLFetcher):  # type: ignore[misc]
        """The papers fetch nothing but their own two font files."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in FONTS.values():
                raise ValueError(f"The papers PDF fetches nothing ({url})")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when needed: it is slow to load

    return bytes(HTML(string=html, url_fetcher=_fetcher()).write_pdf())


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


def html_text(html: str) -> str:
    """The words of the papers' HTML as a reader sees them: tags out, entities decoded."""
    without_style = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", without_style))


def html_identifiers_found(html: str, identifiers: CaseIdentifiers) -> list[str]:
    """The final check at publishing, on the text the PDF is made from (the same words;
    reading them back out of the PDF costs a third of a second a page)."""
    return IdentifierCheck(identifiers, whole_names_only=True)(html_text(html)).found


def watermark_page(*, reader_name: str, at: datetime) -> bytes:
    """One A4 page, transparent but for the reader's name and the time, to lay over each
    page of the papers."""
    html = render_to_string(
        "papers/watermark.html",
        {"reader_name": reader_name, "at": timezone.localtime(at), "fonts": FONTS},
    )
    return html_to_pdf(html)


def watermarked(pdf: bytes, *, reader_name: str, at: datetime) -> bytes:
    """The frozen papers with the reader's watermark over every page."""
    from pypdf import PdfReader, PdfWriter

    stamp = PdfReader(io.BytesIO(watermark_page(reader_name=reader_name, at=at))).pages[0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.merge_page(stamp, over=True)
        page.compress_content_streams()  # pypdf writes the merged content uncompressed
    # Each page got its own copy of the stamp's font and drawing: keep one of each.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.add_metadata({"/Title": "Anonymised papers", "/Subject": f"Copy for {reader_name}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
