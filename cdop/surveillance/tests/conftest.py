from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

LONDON = ZoneInfo("Europe/London")
# "Today" for every surveillance test: the 90-day window runs from 31 August 2026.
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[None]:
    with time_machine.travel(datetime.datetime(2026, 11, 28, 12, 0, tzinfo=LONDON), tick=False):
        yield
