from __future__ import annotations

import io

import pytest

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.meetings.models import Sector
from cdop.papers.demo import DEMO_MEETING_TITLE, load_demo
from cdop.papers.models import PapersPack
from cdop.papers.synthetic import synthetic_case, synthetic_meeting

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_the_demo_panels_papers_once(llr: Area, alice: User) -> None:
    manager = User.objects.create_user("manager@demo.invalid", full_name="Morgan Manager")
    from cdop.accounts.models import Membership, Role

    Membership.objects.create(user=manager, area=llr, role=Role.CDR_MANAGER)
    case = synthetic_case(area=llr, by=manager, n=3).case
    synthetic_meeting(
        area=llr,
        by=manager,
        cases=[case],
        title=DEMO_MEETING_TITLE,
        invitees=[(alice, Sector.OTHER)],
    )
    out = io.StringIO()
    load_demo(stdout=out)
    load_demo(stdout=out)
    assert PapersPack.objects.count() == 1
    assert "published the demo panel's papers (1 case," in out.getvalue()


def test_without_the_demo_panel_it_says_so_and_does_nothing(db: None) -> None:
    out = io.StringIO()
    load_demo(stdout=out)
    assert "nothing published" in out.getvalue()
    assert not PapersPack.objects.exists()
