"""Deaths for the surveillance tests: synthetic children, placed by their date of death."""

from __future__ import annotations

import datetime
from typing import Any

from cdop.areas.models import Area
from cdop.cases.models import Case, Expectedness
from cdop.core.tests.factories import CaseFactory
from cdop.surveillance.tests.conftest import LONDON, TODAY


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def death(
    area: Area,
    died: datetime.date,
    *,
    age_days: int = 100,
    unexpected: bool = False,
    **kwargs: Any,
) -> Case:
    """A case of a child who died on `died`, aged `age_days` days, opened the next day."""
    kwargs.setdefault(
        "opened_at",
        datetime.datetime.combine(died + datetime.timedelta(days=1), datetime.time(12), LONDON),
    )
    return CaseFactory(
        area=area,
        date_of_death=died,
        child_date_of_birth=died - datetime.timedelta(days=age_days),
        expectedness=Expectedness.UNEXPECTED if unexpected else Expectedness.EXPECTED,
        **kwargs,
    )


def history(area: Area, *, every_days: int = 91, years: int = 5, **kwargs: Any) -> list[Case]:
    """A steady history: one death every `every_days` days for `years` years before the
    90-day window (about one in 90 days)."""
    cases = []
    day = 95
    while day <= years * 365:
        cases.append(death(area, days_ago(day), **kwargs))
        day += every_days
    return cases


def cluster(area: Area, count: int, **kwargs: Any) -> list[Case]:
    """`count` deaths in the last 90 days."""
    return [death(area, days_ago(5 + 10 * i), **kwargs) for i in range(count)]
