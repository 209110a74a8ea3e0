"""HTML for the work queues' rows, built in Python (as cdop.cases.presenters does for the
case list): the queues are opened many times a day, and a template's variable lookups, date
filters and {% url %} tags per cell cost more than the rest of the page. Every value is
escaped with html.escape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cdop.accounts.models import Role
from cdop.cases.blockers import Blocker
from cdop.cases.presenters import short_date, short_datetime
from cdop.cases.workflow import Status
from cdop.core.urls_cache import cached_reverse

# What a queue's query selects, as named rows (values_list(..., named=True)).
TASK_COLUMNS = (
    "pk",
    "title",
    "rule",
    "due_at",
    "case__reference",
    "notification__reference",
    "assigned_to__full_name",
    "assigned_role",
)
CLOCK_COLUMNS = (
    "pk",
    "case_id",
    "label",
    "due_at",
    "case__reference",
    "case__status",
    "case__area_id",
)

_ROLE_LABELS = dict(Role.choices)
_STATUS_LABELS = dict(Status.choices)
_OVERDUE = '<br><strong class="govuk-tag govuk-tag--red">Overdue</strong>'


def _ago(then: dt.datetime, now: dt.datetime) -> str:
    days = (now - then).days
    if days < 1:
        return "less than a day ago"
    return "1 day ago" if days == 1 else f"{days} days ago"


def task_rows(rows: Iterable[Any], *, now: dt.datetime) -> SafeString:
    tz = timezone.get_current_timezone()
    case_prefix = escape(cached_reverse("cases:list"))
    work_prefix = escape(cached_reverse("work:mine"))
    html = []
    for row in rows:
        title = escape(row.title)
        if row.case__reference:
            ref = escape(row.case__reference)
            where = f'<a class="govuk-link" href="{case_prefix}{ref}/section/tasks/">{ref}</a>'
        elif row.notification__reference:
            where = f"Notification {escape(row.notification__reference)}"
        else:
            where = ""
        who = row.assigned_to__full_name or _ROLE_LABELS.get(row.assigned_role) or "Nobody yet"
        by_rule = ' <span class="govuk-hint govuk-!-display-inline">(by rule)</span>'
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell cdop-nowrap">{short_datetime(row.due_at, tz)}'
            f"{_OVERDUE if row.due_at < now else ''}</td>"
            f'<td class="govuk-table__cell">{title}{by_rule if row.rule else ""}</td>'
            f'<td class="govuk-table__cell cdop-nowrap">{where}</td>'
            f'<td class="govuk-table__cell">{escape(who)}</td>'
            '<td class="govuk-table__cell">'
            f'<a class="govuk-link" href="{work_prefix}tasks/{row.pk}/complete/">Mark as done'
            f'<span class="govuk-visually-hidden">: {title}</span></a><br>'
            f'<a class="govuk-link" href="{work_prefix}tasks/{row.pk}/assign/">Assign'
            f'<span class="govuk-visually-hidden">: {title}</span></a></td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def clock_rows(
    rows: Iterable[Any], *, blockers: dict[int, list[Blocker]], now: dt.datetime
) -> SafeString:
    case_prefix = escape(cached_reverse("cases:list"))
    html = []
    for row in rows:
        ref = escape(row.case__reference)
        reasons = blockers.get(row.case_id, [])
        if reasons:
            items = "".join(
                f"<li>{escape(b.reason)}{f' (since {short_date(b.since)})' if b.since else ''}</li>"
                for b in reasons
            )
            why = f'<ul class="govuk-list">{items}</ul>'
        else:
            why = "Nothing recorded"
        status = escape(str(_STATUS_LABELS.get(row.case__status, row.case__status)))
        html.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell cdop-nowrap">{short_date(row.due_at)}<br>'
            f'<span class="govuk-hint govuk-!-display-inline">{_ago(row.due_at, now)}</span></td>'
            f'<td class="govuk-table__cell"><a class="govuk-link cdop-nowrap" '
            f'href="{case_prefix}{ref}/#stage-and-clocks">{ref}</a><br>{status}</td>'
            f'<td class="govuk-table__cell">{escape(row.label)}</td>'
            f'<td class="govuk-table__cell">{why}</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def stage_rows(stages: Iterable[Any]) -> SafeString:
    """Team work's "Open cases by stage": each stage's count, linking to the case list."""
    list_url = escape(cached_reverse("cases:list"))
    return mark_safe(  # noqa: S308 - every value is escaped
        "\n".join(
            '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">'
            f'<a class="govuk-link" href="{list_url}?status={escape(stage.status)}">'
            f"{escape(stage.label)}</a></dt>"
            f'<dd class="govuk-summary-list__value">{stage.count}</dd></div>'
            for stage in stages
        )
    )
