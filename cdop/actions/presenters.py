"""The action tracker's rows as HTML, written in Python: the page's fifty rows through the
template language (a {% url %} twice and an include for each) took about 10 ms at 50,000
cases, two thirds of the page. Its filters' options are written likewise
(cdop.core.forms.select_options_html)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from cdop.cases.presenters import short_date

DESCRIPTION_CHARS = 200

# Each status's tag: its words and colour (GOV.UK tag modifiers).
_STATUS_TAGS = {
    "done": ("Done", "green"),
    "dropped": ("Dropped", "grey"),
    "in_progress": ("In progress", "blue"),
}
_OPEN_TAG = ("Open", "yellow")


def action_status_tag(status: str, overdue: bool = False) -> SafeString:
    """The status as a tag, and "Overdue" beside it when the action is late."""
    words, colour = _STATUS_TAGS.get(status, _OPEN_TAG)
    late = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' if overdue else ""
    return mark_safe(  # noqa: S308 - fixed words only
        f'<strong class="govuk-tag govuk-tag--{colour}">{words}</strong>{late}'
    )


def _description(text: str) -> str:
    """The description cut at 200 characters as Truncator cuts it. Truncator looks at every
    character (to skip combining marks), which cost more than the rest of a row; a text no
    longer than the limit once normalised, as it does, comes back whole and is not looked
    at."""
    normal = unicodedata.normalize("NFC", text)
    if len(normal) <= DESCRIPTION_CHARS:
        return normal
    return str(Truncator(text).chars(DESCRIPTION_CHARS))


def tracker_rows_html(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The tracker's table rows (selectors.tracker_rows, with "overdue"), every value
    escaped; the links' paths are reversed once and the ids put in."""
    detail = reverse("actions:detail", args=[0]).replace("/0/", "/{}/")
    case_actions = reverse("actions_case:list", args=["REF"]).replace("/REF/", "/{}/")
    html = []
    for row in rows:
        reference = escape(row["case__reference"])
        category = (
            f'<br><span class="govuk-hint govuk-!-display-inline">{escape(row["category"])}</span>'
            if row["category"]
            else ""
        )
        owner = row["owner_organisation__name"] or row["owner_name"]
        html.append(
            '<tr class="govuk-table__row">'
            '<td class="govuk-table__cell cdop-nowrap"><a class="govuk-link"'
            f' href="{detail.format(int(row["pk"]))}">ACT-{int(row["pk"]):05d}</a></td>'
            '<td class="govuk-table__cell cdop-nowrap"><a class="govuk-link"'
            f' href="{case_actions.format(reference)}">{reference}</a></td>'
            '<td class="govuk-table__cell">'
            f"{escape(_description(row['description']))}{category}</td>"
            f'<td class="govuk-table__cell">{escape(owner or "")}</td>'
            '<td class="govuk-table__cell cdop-nowrap">'
            f"{escape(short_date(row['due_on']))}</td>"
            f'<td class="govuk-table__cell">{action_status_tag(row["status"], row["overdue"])}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
