from __future__ import annotations

import pytest

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.meetings.models import Meeting, Sector
from cdop.papers.synthetic import SyntheticCase, synthetic_case, synthetic_meeting


@pytest.fixture
def synthetic_cases(llr: Area, alice: User) -> list[SyntheticCase]:
    return [synthetic_case(area=llr, by=alice, n=n) for n in range(1, 4)]


@pytest.fixture
def meeting(
    llr: Area, alice: User, chris: User, pat: User, synthetic_cases: list[SyntheticCase]
) -> Meeting:
    """A panel in 30 days of three synthetic cases; chris chairs, pat is a member."""
    return synthetic_meeting(
        area=llr,
        by=alice,
        cases=[s.case for s in synthetic_cases],
        invitees=[(chris, Sector.CHAIR), (pat, Sector.HEALTH)],
    )
