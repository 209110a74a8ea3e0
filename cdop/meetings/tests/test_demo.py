from __future__ import annotations

import io

from cdop.accounts.models import Role
from cdop.cases.models import CaseTransition
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, MembershipFactory, UserFactory
from cdop.meetings.demo import DEMO_TITLE, load_demo
from cdop.meetings.models import Meeting


def test_the_demo_panel_has_six_cases_and_is_loaded_once(llr) -> None:
    for email, role in (
        ("manager@demo.invalid", Role.CDR_MANAGER),
        ("chair@demo.invalid", Role.PANEL_CHAIR),
        ("member@demo.invalid", Role.PANEL_MEMBER),
    ):
        MembershipFactory(user=UserFactory(email=email), area=llr, role=role)
    waiting = [CaseFactory(area=llr, status=Status.AWAITING_PANEL) for _ in range(4)]
    held = [CaseFactory(area=llr, status=Status.CDRM_HELD) for _ in range(3)]

    load_demo(stdout=io.StringIO())
    load_demo(stdout=io.StringIO())

    meeting = Meeting.objects.get()
    assert meeting.title == DEMO_TITLE
    on_agenda = {i.case_id for i in meeting.items.all()}
    assert len(on_agenda) == 6
    assert {c.pk for c in waiting} <= on_agenda
    # Two were brought to the panel, through the case's own transition.
    assert CaseTransition.objects.filter(name="case_refer_to_panel").count() == 2
    assert {c.pk for c in held} & on_agenda
    assert meeting.invitees.count() == 6
    assert meeting.invitees.get(email="chair@demo.invalid").sector == "chair"
    assert meeting.items.filter(triage="short").count() == 1


def test_without_the_demo_users_it_does_nothing(llr) -> None:
    out = io.StringIO()
    load_demo(stdout=out)
    assert not Meeting.objects.exists()
    assert "nothing done" in out.getvalue()
