from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

LONDON = ZoneInfo("Europe/London")
# "Today" is fixed: the public figures count reviews completed before 1 April 2026.
TODAY = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield
