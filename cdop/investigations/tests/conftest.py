from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Cases from CaseFactory died on 1 October 2026; "today" is fixed so that dates in the
# future stay in the future.
TODAY = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield
