"""The case's "Parts of this case" navigation, built in Python: every case page shows it,
and a template loop over a dozen sections cost more than the rest of the header."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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
    return format_html(
        '<nav class="cdop-case-nav" aria-label="Parts of this case">'
        '<ul class="govuk-list cdop-case-nav__list">{}</ul></nav>',
        format_html_join(
            "\n",
            '<li class="cdop-case-nav__item">{}</li>',
            (
                (
                    format_html('<strong aria-current="page">{}</strong>', title)
                    if here
                    else format_html('<a class="govuk-link" href="{}">{}</a>', href, title),
                )
                for title, href, here in items
            ),
        ),
    )
