"""Safeguarding on a case: concerns, referrals and their clocks, the looked-after child flag,
and who may see any of it (everyone else gets a 404 and no trace)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils.html import escape

from cdop.analysis.tests.factories import complete_analysis
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.chronology.registry import chronology_for_case
from cdop.clocks.models import Clock
from cdop.investigations.tests.helpers import date_fields, opened_case
from cdop.safeguarding.models import (
    SafeguardingConcern,
    SafeguardingProfile,
    SafeguardingReferral,
)
from cdop.safeguarding.tests.conftest import LONDON
from cdop.safeguarding.tests.factories import (
    SafeguardingConcernFactory,
    SafeguardingProfileFactory,
    SafeguardingReferralFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def url(case: Case, tail: str = "") -> str:
    return f"/staff/cases/{case.reference}/safeguarding/{tail}"


def concern_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "raised_on": D(2026, 10, 2),
        "raised_by": "Designated Doctor",
        "description": "Bruising not explained by the history given.",
        "abuse_or_neglect": "yes",
        "outcome": "",
        "closed_on": None,
    }
    values.update(overrides)
    return _post(values)


def referral_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "recipient": "serious_incident",
        "sent_on": D(2026, 10, 5),
        "sent_by": "Children's social care",
        "decision": "",
        "decision_on": None,
        "reply": "",
    }
    values.update(overrides)
    return _post(values)


def profile_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "looked_after": "yes",
        "ofsted_notified_on": None,
        "ofsted_notified_by": "",
        "ofsted_reference": "",
    }
    values.update(overrides)
    return _post(values)


def _post(values: dict[str, object]) -> dict[str, str]:
    data: dict[str, str] = {}
    for name, value in values.items():
        if name.endswith("_on"):
            data.update(date_fields(name, value))  # type: ignore[arg-type]
        else:
            data[name] = str(value)
    return data


@pytest.fixture
def case(llr, kim) -> Case:
    return opened_case(area=llr, status=Status.INFORMATION_GATHERING, key_worker=kim)


def clocks(case: Case) -> dict[str, Clock]:
    return {clock.kind: clock for clock in Clock.objects.filter(case=case)}


# Concerns and their clocks


def test_a_concern_of_abuse_raised_on_christmas_eve_starts_both_clocks(client_for, alice, case):
    with time_machine.travel(datetime.datetime(2026, 12, 24, 10, 0, tzinfo=LONDON), tick=False):
        response = client_for(alice).post(
            url(case, "concerns/add/"), concern_form(raised_on=D(2026, 12, 24))
        )

    assert response.status_code == 302
    concern = SafeguardingConcern.objects.get(case=case)
    running = clocks(case)
    # 25 and 28 December and 1 January are bank holidays (Boxing Day falls on a Saturday).
    five, fifteen = running["safeguarding_5wd"], running["safeguarding_15wd"]
    assert five.due_at.astimezone(LONDON).date() == D(2027, 1, 5)
    assert fifteen.due_at.astimezone(LONDON).date() == D(2027, 1, 19)
    assert five.started_at.astimezone(LONDON).date() == D(2026, 12, 24)
    assert {five.source, fifteen.source} == {f"concern:{concern.pk}"}
    assert five.stopped_at is None
    assert fifteen.stopped_at is None
    created = LogEntry.objects.get_for_object(concern).get(action=LogEntry.Action.CREATE)
    assert created.actor == alice
    assert created.additional_data == {"area_id": case.area_id, "case": case.reference}


def test_the_notification_and_the_rapid_review_stop_their_clocks(client_for, alice, case):
    client = client_for(alice)
    client.post(url(case, "concerns/add/"), concern_form(raised_on=D(2026, 12, 31)))
    concern = SafeguardingConcern.objects.get()

    notified = client.post(
        url(case, f"concerns/{concern.pk}/referrals/add/"),
        referral_form(recipient="serious_incident", sent_on=D(2027, 1, 8)),
    )
    reviewed = client.post(
        url(case, f"concerns/{concern.pk}/referrals/add/"),
        referral_form(recipient="rapid_review", sent_on=D(2027, 1, 25)),
    )

    assert (notified.status_code, reviewed.status_code) == (302, 302)
    running = clocks(case)
    five, fifteen = running["safeguarding_5wd"], running["safeguarding_15wd"]
    assert five.stopped_at.astimezone(LONDON).date() == D(2027, 1, 8)
    assert five.due_at.astimezone(LONDON).date() == D(2027, 1, 8)
    assert five.stopped_at <= five.due_at  # on the day it was due: in time
    assert fifteen.stopped_at.astimezone(LONDON).date() == D(2027, 1, 25)
    assert fifteen.due_at.astimezone(LONDON).date() == D(2027, 1, 22)
    assert fifteen.stopped_at > fifteen.due_at  # late
    page = client.get(url(case)).content.decode()
    assert "Done late" in page
    referral = SafeguardingReferral.objects.get(recipient="serious_incident")
    created = LogEntry.objects.get_for_object(referral).get(action=LogEntry.Action.CREATE)
    assert created.actor == alice


def test_a_concern_without_abuse_or_neglect_has_no_clocks(client_for, alice, case):
    response = client_for(alice).post(
        url(case, "concerns/add/"), concern_form(abuse_or_neglect="no")
    )

    assert response.status_code == 302
    assert not Clock.objects.filter(case=case, kind__startswith="safeguarding").exists()


def test_marking_abuse_later_starts_the_clocks_and_unmarking_withdraws_them(
    client_for, alice, case
):
    concern = SafeguardingConcernFactory(case=case, raised_on=D(2027, 1, 18))
    client = client_for(alice)

    client.post(url(case, f"concerns/{concern.pk}/"), concern_form(raised_on=D(2027, 1, 18)))
    assert set(clocks(case)) == {"safeguarding_5wd", "safeguarding_15wd"}
    assert clocks(case)["safeguarding_5wd"].due_at.astimezone(LONDON).date() == D(2027, 1, 25)

    response = client.post(
        url(case, f"concerns/{concern.pk}/"),
        concern_form(raised_on=D(2027, 1, 18), abuse_or_neglect="no"),
    )
    assert response.status_code == 302
    assert clocks(case) == {}
    update = LogEntry.objects.get_for_object(concern).filter(action=LogEntry.Action.UPDATE)
    assert update.count() == 2


def test_it_refuses_to_unmark_abuse_once_a_serious_incident_was_notified(client_for, alice, case):
    concern = SafeguardingConcernFactory(case=case, abuse_or_neglect=True)
    SafeguardingReferralFactory(concern=concern, recipient="serious_incident")

    response = client_for(alice).post(
        url(case, f"concerns/{concern.pk}/"), concern_form(abuse_or_neglect="no")
    )

    assert response.status_code == 400
    assert "abuse or neglect must stay marked as known or suspected" in response.content.decode()
    concern.refresh_from_db()
    assert concern.abuse_or_neglect is True


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"raised_on": D(2027, 1, 26)},
            "The date the concern was raised must be today or in the past",
        ),
        ({"raised_on": None}, "Enter the date the concern was raised"),
        ({"description": ""}, "Describe the concern"),
        ({"raised_by": ""}, "Enter who raised the concern"),
        ({"abuse_or_neglect": ""}, "Select yes if abuse or neglect is known or suspected"),
        (
            {"closed_on": D(2026, 10, 1)},
            "The date the concern was closed must be on or after the date it was raised",
        ),
        (
            {"raised_on": D(2024, 5, 31)},
            "The date the concern was raised must be on or after the child's date of birth "
            "(1 June 2024)",
        ),
    ],
)
def test_it_refuses_a_concern_with_bad_answers(client_for, alice, case, overrides, message):
    response = client_for(alice).post(url(case, "concerns/add/"), concern_form(**overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert escape(message) in page
    assert "There is a problem" in page
    assert not SafeguardingConcern.objects.exists()
    assert not Clock.objects.filter(case=case, kind__startswith="safeguarding").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"sent_on": D(2026, 10, 1)},
            "The date the referral was sent must be on or after the date the concern was raised "
            "(2 October 2026)",
        ),
        ({"sent_on": D(2027, 2, 1)}, "The date the referral was sent must be today or in the past"),
        (
            {"decision": "Rapid review", "decision_on": D(2026, 10, 4)},
            "The date of the decision must be on or after the date the referral was sent",
        ),
        ({"decision_on": D(2026, 10, 6)}, "Enter the decision, or remove the date of the decision"),
        ({"recipient": ""}, "Select who the referral was sent to"),
    ],
)
def test_it_refuses_a_referral_with_bad_answers(client_for, alice, case, overrides, message):
    concern = SafeguardingConcernFactory(case=case, abuse_or_neglect=True)

    response = client_for(alice).post(
        url(case, f"concerns/{concern.pk}/referrals/add/"), referral_form(**overrides)
    )

    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not SafeguardingReferral.objects.exists()


def test_a_serious_incident_notification_needs_abuse_or_neglect(client_for, alice, case):
    concern = SafeguardingConcernFactory(case=case, abuse_or_neglect=False)

    response = client_for(alice).post(
        url(case, f"concerns/{concern.pk}/referrals/add/"), referral_form()
    )

    assert response.status_code == 400
    assert "mark the concern as such first" in response.content.decode()


def test_a_referral_to_the_partnership_is_recorded_with_its_decision(client_for, devi, case):
    concern = SafeguardingConcernFactory(case=case)

    response = client_for(devi).post(
        url(case, f"concerns/{concern.pk}/referrals/add/"),
        referral_form(
            recipient="partnership",
            decision="Local child safeguarding practice review",
            decision_on=D(2026, 10, 20),
            reply="Letter from the partnership's business manager.",
        ),
    )

    assert response.status_code == 302
    referral = SafeguardingReferral.objects.get()
    assert (referral.case, referral.concern, referral.decision_on) == (
        case,
        concern,
        D(2026, 10, 20),
    )


def test_changing_a_referral_is_audited(client_for, ada, case):
    referral = SafeguardingReferralFactory(concern=SafeguardingConcernFactory(case=case))

    response = client_for(ada).post(
        url(case, f"referrals/{referral.pk}/"),
        referral_form(
            recipient="partnership", decision="No further action", decision_on=D(2026, 10, 9)
        ),
    )

    assert response.status_code == 302
    update = LogEntry.objects.get_for_object(referral).get(action=LogEntry.Action.UPDATE)
    assert update.actor == ada


# Looked-after children


def test_a_looked_after_child_without_the_notification_cannot_be_finalised(client_for, alice, llr):
    case = opened_case(area=llr, status=Status.PANEL_REVIEWED)
    complete_analysis(case=case, by=alice)  # finalising needs the panel's complete analysis
    client = client_for(alice)

    client.post(url(case, "looked-after/"), profile_form())
    page = client.get(case.get_absolute_url()).content.decode()
    refused = client.post(f"/staff/cases/{case.reference}/transition/case_finalise/", {})

    assert (
        "The notification to Ofsted and the Secretary of State of the death of a looked-after "
        "child is not recorded" in page
    )
    assert refused.status_code == 400
    assert (
        "This case cannot move to “Finalised” yet: the notification to Ofsted and the Secretary of "
        "State of the death of a looked-after child is not recorded"
    ) in refused.content.decode()
    case.refresh_from_db()
    assert case.status == Status.PANEL_REVIEWED

    saved = client.post(
        url(case, "looked-after/"),
        profile_form(
            ofsted_notified_on=D(2026, 10, 2),
            ofsted_notified_by="Social worker, Synthetic Council",
            ofsted_reference="SYN-123",
        ),
    )
    finalised = client.post(f"/staff/cases/{case.reference}/transition/case_finalise/", {})

    assert (saved.status_code, finalised.status_code) == (302, 302)
    case.refresh_from_db()
    assert case.status == Status.FINALISED
    profile = SafeguardingProfile.objects.get(case=case)
    entries = LogEntry.objects.get_for_object(profile)
    assert entries.filter(action=LogEntry.Action.CREATE, actor=alice).exists()
    assert entries.filter(action=LogEntry.Action.UPDATE, actor=alice).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"ofsted_notified_on": D(2026, 10, 2)},
            "Enter who notified Ofsted and the Secretary of State",
        ),
        (
            {"ofsted_notified_by": "Social worker"},
            "Enter the date Ofsted and the Secretary of State were notified",
        ),
        (
            {"ofsted_notified_on": D(2027, 1, 26), "ofsted_notified_by": "Social worker"},
            "The date of the notification must be today or in the past",
        ),
        (
            {"ofsted_notified_on": D(2026, 9, 30), "ofsted_notified_by": "Social worker"},
            "The date of the notification must be on or after the date of death (1 October 2026)",
        ),
        (
            {"looked_after": "no", "ofsted_reference": "SYN-1"},
            "Only the death of a looked-after child is notified to Ofsted here",
        ),
        ({"looked_after": ""}, "Select yes if the child was looked after by a local authority"),
    ],
)
def test_it_refuses_a_looked_after_answer_that_does_not_add_up(
    client_for, alice, case, overrides, message
):
    response = client_for(alice).post(url(case, "looked-after/"), profile_form(**overrides))

    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not SafeguardingProfile.objects.exists()


def test_a_child_who_was_not_looked_after_blocks_nothing(client_for, alice, llr):
    case = opened_case(area=llr, status=Status.PANEL_REVIEWED)
    complete_analysis(case=case, by=alice)  # finalising needs the panel's complete analysis
    client = client_for(alice)

    assert (
        client.post(url(case, "looked-after/"), profile_form(looked_after="no")).status_code == 302
    )
    assert (
        client.post(f"/staff/cases/{case.reference}/transition/case_finalise/", {}).status_code
        == 302
    )


# Who may see safeguarding


@pytest.mark.parametrize("persona", ["kim", "olu", "chris", "pat"])
def test_everyone_but_the_safeguarding_roles_gets_a_404(request, client_for, case, persona):
    user = request.getfixturevalue(persona)
    concern = SafeguardingConcernFactory(case=case, abuse_or_neglect=True)
    referral = SafeguardingReferralFactory(concern=concern)
    client = client_for(user)

    for tail in (
        "",
        "looked-after/",
        "concerns/add/",
        f"concerns/{concern.pk}/",
        f"concerns/{concern.pk}/referrals/add/",
        f"referrals/{referral.pk}/",
    ):
        assert client.get(url(case, tail)).status_code == 404, tail
    assert client.post(url(case, "concerns/add/"), concern_form()).status_code == 404
    assert client.post(url(case, "looked-after/"), profile_form()).status_code == 404
    assert SafeguardingConcern.objects.count() == 1
    assert not SafeguardingProfile.objects.exists()


def test_kim_reads_her_case_with_no_trace_of_safeguarding(client_for, kim, case):
    SafeguardingConcernFactory(case=case, abuse_or_neglect=True, raised_by="Secret Raiser")
    SafeguardingProfileFactory(case=case)

    page = client_for(kim).get(case.get_absolute_url()).content.decode()

    assert case.reference in page
    assert "section/safeguarding/" not in page
    assert client_for(kim).get(
        f"/staff/cases/{case.reference}/section/safeguarding/"
    ).status_code == (404)
    assert 'id="safeguarding"' not in page
    assert "Secret Raiser" not in page
    assert "Ofsted" not in page
    assert not [e for e in chronology_for_case(user=kim, case=case) if e.kind == "safeguarding"]


@pytest.mark.parametrize("persona", ["alice", "ada", "devi"])
def test_the_safeguarding_roles_see_the_section_the_page_and_the_chronology(
    request, client_for, case, persona
):
    user = request.getfixturevalue(persona)
    concern = SafeguardingConcernFactory(case=case, raised_by="Named Raiser")
    SafeguardingReferralFactory(concern=concern, sent_on=D(2026, 10, 5))
    client = client_for(user)

    case_page = client.get(f"/staff/cases/{case.reference}/section/safeguarding/").content.decode()
    overview = client.get(url(case))

    assert (
        f'href="/staff/cases/{case.reference}/section/safeguarding/"'
        in client.get(case.get_absolute_url()).content.decode()
    )
    assert 'id="safeguarding"' in case_page
    assert "1 concern recorded, 1 referral sent." in case_page
    assert overview.status_code == 200
    assert "Named Raiser" in overview.content.decode()
    assert (
        LogEntry.objects.get_for_object(concern)
        .filter(action=LogEntry.Action.ACCESS, actor=user)
        .exists()
    )
    titles = [
        e.title for e in chronology_for_case(user=user, case=case) if e.kind == "safeguarding"
    ]
    assert titles == [
        "Safeguarding concern raised by Named Raiser",
        "Referral sent to the Local Safeguarding Children Partnership",
    ]


def test_a_concern_of_another_case_is_a_404(client_for, alice, case, llr):
    other = SafeguardingConcernFactory(case=opened_case(area=llr))

    assert client_for(alice).get(url(case, f"concerns/{other.pk}/")).status_code == 404


def test_the_areas_own_timescales_set_the_due_dates_of_new_clocks_only(client_for, alice, case):
    from cdop.clocks.models import ClockSettings

    ClockSettings.objects.update_or_create(
        area=case.area, defaults={"safeguarding_notify_working_days": 3}
    )
    client = client_for(alice)
    client.post(url(case, "concerns/add/"), concern_form(raised_on=D(2027, 1, 11)))
    five = clocks(case)["safeguarding_5wd"]
    assert five.due_at.astimezone(LONDON).date() == D(2027, 1, 14)
    assert (
        five.label == "Notify the Child Safeguarding Practice Review Panel (within 3 working days)"
    )

    ClockSettings.objects.filter(area=case.area).update(safeguarding_notify_working_days=5)
    concern = SafeguardingConcern.objects.get()
    client.post(
        url(case, f"concerns/{concern.pk}/"),
        concern_form(raised_on=D(2027, 1, 11), outcome="Referred on"),
    )

    assert clocks(case)["safeguarding_5wd"].due_at == five.due_at


# The predicates other steps use to keep safeguarding clocks and blockers to those who may
# see them


def test_safeguarding_clocks_and_blockers_are_only_for_the_safeguarding_roles(alice, kim, case):
    from cdop.accounts import permissions
    from cdop.safeguarding.services import concern_update

    concern = SafeguardingConcernFactory(case=case, raised_on=D(2027, 1, 4))
    concern_update(concern=concern, by=alice, values=concern_form_values(D(2027, 1, 4)))
    assert Clock.objects.filter(case=case).count() == 2

    def visible(user):
        return set(
            Clock.objects.filter(case=case)
            .filter(permissions.clock_kind_visibility_q(user))
            .values_list("kind", flat=True)
        )

    assert visible(alice) == {"safeguarding_5wd", "safeguarding_15wd"}
    assert visible(kim) == set()
    assert permissions.can_view_clock_kind(alice, case, "safeguarding_5wd")
    assert not permissions.can_view_clock_kind(kim, case, "safeguarding_5wd")
    assert permissions.can_view_clock_kind(kim, case, "cdrm")
    assert not permissions.can_view_blocker_kind(kim, case, "looked_after_notification")
    assert permissions.can_view_blocker_kind(alice, case, "looked_after_notification")
    assert permissions.can_view_blocker_kind(kim, case, "post_mortem_report")


def concern_form_values(raised_on: datetime.date) -> dict[str, object]:
    return {
        "raised_on": raised_on,
        "raised_by": "Designated Doctor",
        "description": "Synthetic.",
        "abuse_or_neglect": True,
        "outcome": "",
        "closed_on": None,
    }


def test_the_change_pages_show_what_was_recorded(client_for, alice, case):
    concern = SafeguardingConcernFactory(case=case, abuse_or_neglect=True, raised_by="Dr Synth")
    referral = SafeguardingReferralFactory(concern=concern, recipient="serious_incident")
    SafeguardingProfileFactory(case=case, looked_after=False)
    client = client_for(alice)

    concern_page = client.get(url(case, f"concerns/{concern.pk}/")).content.decode()
    referral_page = client.get(url(case, f"referrals/{referral.pk}/")).content.decode()
    profile_page = client.get(url(case, "looked-after/")).content.decode()

    assert 'value="Dr Synth"' in concern_page
    assert 'value="yes" id="id_abuse_or_neglect_0" checked' in concern_page
    assert 'value="serious_incident" id="id_recipient_1" checked' in referral_page
    assert 'value="no" id="id_looked_after_1" checked' in profile_page


@pytest.mark.parametrize("concerns", [0, 1, 5])
def test_the_case_section_runs_the_same_queries_however_many_concerns(
    rf, alice, case, concerns, django_assert_max_num_queries
):
    from cdop.accounts import permissions
    from cdop.safeguarding.integration import section_context

    for _ in range(concerns):
        SafeguardingReferralFactory(concern=SafeguardingConcernFactory(case=case))
    request = rf.get("/")
    request.user = alice
    permissions.roles_in_area(alice, case.area_id)  # the roles are read once per session

    with django_assert_max_num_queries(4):  # concerns, their referrals, clocks, the profile
        section_context(request, case)
