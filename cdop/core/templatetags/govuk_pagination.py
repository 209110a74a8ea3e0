"""GOV.UK pagination for a page of Django's paginator: one template draws it everywhere."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.http import QueryDict

register = template.Library()


@register.inclusion_tag("core/_pagination.html", takes_context=True)
def pagination(
    context: template.Context,
    page: Page[Any],
    *,
    label: str = "Pages",
    param: str = "page",
    fragment: str = "",
    hidden: str = " page",
) -> dict[str, Any]:
    """Previous, the page numbers (the first, the last and those next to this one, with an
    ellipsis for the gaps) and next, keeping the rest of the query string. `param` names the
    page in the query string (a page with two lists pages each by its own name), `fragment`
    is the part of the page to go back to, and `hidden` ends the visually hidden text of
    "Previous" and "Next", for screen readers."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    anchor = f"#{fragment}" if fragment else ""

    def href(number: int) -> str:
        query[param] = str(number)
        return f"?{query.urlencode()}{anchor}"

    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        # The range gives the page numbers as ints and each gap as Paginator.ELLIPSIS.
        if isinstance(number, int):
            items.append({"number": number, "href": href(number), "current": number == page.number})
        else:
            items.append({"ellipsis": True})
    return {
        "page": page,
        "label": label,
        "hidden": hidden,
        "items": items,
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
    }
