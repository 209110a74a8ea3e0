"""The case's "Parts of this case" navigation, built in Python: every case page shows it,
and a template loop (or format_html per link) over a dozen sections cost more than the rest
of the header."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from cdop.cases.sections import CaseSection

register = template.Library()


@register.simple_tag
def case_nav(base: str, links: Sequence[CaseSection], current: str) -> SafeString:
    items = [("Overview", base, current == "overview")]
    items += [
        (link.title, f"{base}section/{link.key}/", current == link.key)
        for link in links
        if not link.overview
    ]
    rows = [
        f'<li class="cdop-case-nav__item"><strong aria-current="page">{escape(title)}</strong></li>'
        if here
        else f'<li class="cdop-case-nav__item"><a class="govuk-link" href="{escape(href)}">'
        f"{escape(title)}</a></li>"
        for title, href, here in items
    ]
    # Every piece above is escaped.
    return mark_safe(  # noqa: S308
        '<nav class="cdop-case-nav" aria-label="Parts of this case">'
        '<ul class="govuk-list cdop-case-nav__list">' + "\n".join(rows) + "</ul></nav>"
    )
