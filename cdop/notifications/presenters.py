"""HTML for the notification queue's rows, built in Python.

The queue shows fifty notifications a page, with eleven values each; rendered by the
template engine, its rows cost more than the rest of the page (a variable lookup and a
filter per value, a URL reversed per row). Here each row is one f-string over plain values,
every value escaped with the standard library's html.escape, as the case list's rows are
(cdop.cases.presenters).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cdop.cases.models import Expectedness
from cdop.cases.presenters import short_date, short_datetime
from cdop.notifications.models import Notification
from cdop.notifications.selectors import QueuedNotification, TriageRow

_EXPECTEDNESS = dict(Expectedness.choices)
_RESIDENCE_COLOURS = {"This area": "green", "Unknown": "grey"}


def _area_name(notification: Notification | QueuedNotification) -> str:
    if isinstance(notification, QueuedNotification):
        return notification.area_short_name
    return notification.area.short_name


def queue_rows(rows: Sequence[TriageRow]) -> SafeString:
    """The table body's rows: reference (and a duplicate flag), when received and how soon
    after the death, the child, the death (and a JAR flag), where the child lived, and who
    sent it."""
    if not rows:
        return mark_safe(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="7">'
            "There are no notifications here.</td></tr>"
        )
    prefix = escape(reverse("notifications:queue"))
    tz = timezone.get_current_timezone()
    html = []
    for row in rows:
        n = row.notification
        ref = escape(n.reference)
        duplicate = (
            '<br><strong class="govuk-tag govuk-tag--orange">Possible duplicate</strong>'
            if row.possible_duplicate
            else ""
        )
        late = " govuk-!-font-weight-bold" if row.timeliness.late else ""
        expectedness = _EXPECTEDNESS.get(n.expectedness, n.expectedness)
        jar = '<strong class="govuk-tag govuk-tag--red">JAR</strong>' if n.jar_required else ""
        colour = _RESIDENCE_COLOURS.get(row.residence, "yellow")
        html.append(
            '<tr class="govuk-table__row">'
            '<td class="govuk-table__cell cdop-nowrap">'
            f'<a class="govuk-link" href="{prefix}{ref}/">{ref}</a>{duplicate}</td>'
            f'<td class="govuk-table__cell">{short_datetime(n.received_at, tz)}'
            f'<br><span class="govuk-body-s{late}">{escape(row.timeliness.label)}</span></td>'
            f'<td class="govuk-table__cell">{escape(n.child_first_name)}'
            f" {escape(n.child_last_name)}</td>"
            f'<td class="govuk-table__cell">{short_date(n.date_of_death)}</td>'
            f'<td class="govuk-table__cell">{escape(str(expectedness))} {jar}</td>'
            f'<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">'
            f"{escape(row.residence)}</strong></td>"
            f'<td class="govuk-table__cell">{escape(n.notifier_organisation)}'
            f'<br><span class="govuk-body-s">{escape(_area_name(n))}</span></td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
