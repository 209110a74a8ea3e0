"""Letters to the family: templates in Markdown with a few placeholders, made into a PDF.

The template text is written by area administrators, so it is never run through Django's
template engine. Placeholders are swapped for random tokens, the Markdown is rendered and
cleaned (nh3), and only then are the tokens replaced by the values, HTML-escaped: a value
can never become markup, and the text around it can never reach the case's internal notes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cdop.family.models import LetterKind

# name -> what it becomes, for the template editor's help text.
PLACEHOLDERS: dict[str, str] = {
    "family_name": "how the family are addressed, from the family's details",
    "child_first_name": "the child's first name",
    "key_worker_name": "the key worker's name",
    "key_worker_phone": "the key worker's phone number (or the team's)",
    "area_name": "the name of your area",
    "today": "today's date, for example 3 March 2027",
    "message": "words typed in when the letter is produced (for example what the review found)",
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_TAGS = {"h2", "h3", "p", "ul", "ol", "li", "strong", "em", "br"}
_DEFAULTS = Path(__file__).parent / "default_letters"
DEFAULT_TITLES = {
    LetterKind.FIRST_CONTACT: "Letter introducing the key worker",
    LetterKind.REVIEW_OUTCOME: "Letter about the outcome of the review",
}


@dataclass(frozen=True)
class LetterText:
    """The words of one template version (version 0: the default shipped with the platform)."""

    kind: str
    version: int
    title: str
    body: str
    template_id: int | None = None


def letter_default(kind: str) -> LetterText:
    body = (_DEFAULTS / f"{kind}.md").read_text(encoding="utf-8")
    return LetterText(kind=kind, version=0, title=DEFAULT_TITLES[LetterKind(kind)], body=body)


def placeholders_used(body: str) -> list[str]:
    seen: list[str] = []
    for name in PLACEHOLDER.findall(body):
        if name not in seen:
            seen.append(name)
    return seen


def placeholders_unknown(body: str) -> list[str]:
    return [name for name in placeholders_used(body) if name not in PLACEHOLDERS]


# For the preview on a GOV.UK page; the PDF styles the bare tags itself.
_GOVUK_CLASSES = {
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
}


def letter_body_html(body: str, values: Mapping[str, str], *, govuk: bool = False) -> SafeString:
    """The letter's body as clean HTML, with each placeholder's value inserted as text."""
    nonce = secrets.token_hex(6)
    tokens: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        token = f"cdopvalue{nonce}n{len(tokens)}z"
        tokens[token] = values.get(match[1], "")
        return token

    text = PLACEHOLDER.sub(swap, body)
    html = markdown.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    clean = nh3.clean(html, tags=_TAGS, attributes={})
    if govuk:
        for bare, styled in _GOVUK_CLASSES.items():
            clean = clean.replace(bare, styled)
    for token, value in tokens.items():
        clean = clean.replace(token, str(escape(value)).replace("\n", "<br>"))
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3, and every value escaped


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"A letter fetches nothing ({url})")


def letter_page_html(context: Mapping[str, Any]) -> str:
    """The whole letter as the HTML page WeasyPrint prints: only what the family may read."""
    return render_to_string("family/letter_pdf.html", dict(context))


def letter_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when needed: it is slow to load

    return bytes(HTML(string=html, url_fetcher=_no_fetching).write_pdf())
