from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

LONDON = ZoneInfo("Europe/London")
# Cases from CaseFactory died on 1 October 2026; "today" is fixed, and tests that need
# another day travel again inside this one.
TODAY = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield
