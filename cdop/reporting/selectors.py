from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count
from django.utils import timezone

from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.notifications.models import Notification


@dataclass(frozen=True)
class AreaStatistics:
    area: Area
    year_label: str
    notifications_received: int
    cases_opened: int
    reviews_finalised: int
    by_status: list[tuple[str, int]]


def reporting_year(today: date) -> tuple[date, date]:
    """The NCMD year: 1 April to 31 March. Returns (first day, first day of the next)."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 4, 1)


def statistics_for_area(*, area: Area, today: date | None = None) -> AreaStatistics:
    today = today or timezone.localdate()
    start, end = reporting_year(today)
    tz = timezone.get_current_timezone()
    span = (datetime.combine(start, time(), tz), datetime.combine(end, time(), tz))
    counts = dict(
        Case.objects.filter(area=area).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return AreaStatistics(
        area=area,
        year_label=f"1 April {start.year} to 31 March {end.year}",
        notifications_received=Notification.objects.filter(
            area=area, received_at__gte=span[0], received_at__lt=span[1]
        ).count(),
        cases_opened=Case.objects.filter(
            area=area, opened_at__gte=span[0], opened_at__lt=span[1]
        ).count(),
        reviews_finalised=Case.objects.filter(
            area=area, finalised_at__gte=span[0], finalised_at__lt=span[1]
        ).count(),
        by_status=[(label, counts.get(value, 0)) for value, label in Status.choices],
    )
