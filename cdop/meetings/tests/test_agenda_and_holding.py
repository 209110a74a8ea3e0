from __future__ import annotations

import datetime
import html

import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse

from cdop.cases.models import CaseTransition
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.investigations.tests.factories import PostMortemFactory
from cdop.meetings.models import (
    AgendaItem,
    Attendance,
    MeetingStatus,
    QuorumRule,
    Sector,
    Triage,
    age_in_words,
)
from cdop.meetings.tests.factories import AgendaItemFactory, InviteeFactory, MeetingFactory

MEETING_DAY = datetime.datetime(2027, 3, 15, 14, 0, tzinfo=datetime.UTC)


def page(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


@pytest.fixture
def panel(llr, alice, chris, pat):  # type: ignore[no-untyped-def]
    with time_machine.travel(MEETING_DAY - datetime.timedelta(days=20), tick=False):
        meeting = MeetingFactory(
            area=llr, created_by=alice, title="CDOP panel, March", starts_at=MEETING_DAY
        )
    InviteeFactory(meeting=meeting, user=chris, name="Chris Chair", sector=Sector.CHAIR)
    InviteeFactory(meeting=meeting, user=pat, name="Pat Member", sector=Sector.HEALTH)
    InviteeFactory(meeting=meeting, name="Pam Publichealth", sector=Sector.PUBLIC_HEALTH)
    InviteeFactory(meeting=meeting, name="Lou Council", sector=Sector.LOCAL_AUTHORITY)
    InviteeFactory(meeting=meeting, name="Poppy Police", sector=Sector.POLICE)
    return meeting


@pytest.fixture
def items(panel, llr):  # type: ignore[no-untyped-def]
    return [
        AgendaItemFactory(
            meeting=panel,
            position=n + 1,
            case=CaseFactory(
                area=llr,
                status=Status.AWAITING_PANEL,
                child_first_name="Zebedee",
                child_last_name=f"Quillfeather{n}",
                child_sex=["male", "female", "not_known"][n],
                child_date_of_birth=datetime.date(2026, 6, 1),
                date_of_death=datetime.date(2026, 10, 5),
            ),
        )
        for n in range(3)
    ]


def url(name: str, meeting, item=None) -> str:  # type: ignore[no-untyped-def]
    args = [meeting.pk] if item is None else [meeting.pk, item.pk]
    return reverse(f"meetings:{name}", args=args)


def everyone_attends(meeting) -> None:  # type: ignore[no-untyped-def]
    meeting.invitees.update(attendance=Attendance.ATTENDED)


# --- Labels ------------------------------------------------------------------------------


def test_the_label_names_neither_the_child_nor_a_date(items) -> None:
    assert [i.label for i in items] == [
        "Case 1: boy aged 4 months",
        "Case 2: girl aged 4 months",
        "Case 3: child aged 4 months",
    ]


@pytest.mark.parametrize(
    ("born", "died", "words"),
    [
        ((2026, 1, 1), (2026, 1, 1), "under a day"),
        ((2026, 1, 1), (2026, 1, 2), "1 day"),
        ((2026, 1, 1), (2026, 1, 20), "19 days"),
        ((2026, 1, 31), (2026, 2, 28), "28 days"),
        ((2026, 1, 1), (2026, 2, 1), "1 month"),
        ((2024, 1, 1), (2025, 12, 31), "23 months"),
        ((2014, 5, 2), (2026, 5, 1), "11 years"),
    ],
)
def test_ages_are_coarse(born, died, words) -> None:  # type: ignore[no-untyped-def]
    assert age_in_words(datetime.date(*born), datetime.date(*died)) == words


# --- Ordering, adding and removing ---------------------------------------------------------


def test_a_case_moves_up_and_down_without_javascript(panel, items, alice, client_for) -> None:
    client = client_for(alice)
    client.post(url("item_move", panel, items[2]), {"direction": "up"})
    assert list(panel.items.order_by("position")) == [items[0], items[2], items[1]]
    client.post(url("item_move", panel, items[0]), {"direction": "down"})
    assert list(panel.items.order_by("position")) == [items[2], items[0], items[1]]
    response = client.post(url("item_move", panel, items[2]), {"direction": "up"})
    assert response.status_code == 302  # already first: nothing changes
    assert [i.position for i in panel.items.order_by("position")] == [1, 2, 3]
    assert list(panel.items.order_by("position")) == [items[2], items[0], items[1]]


def test_removing_a_case_closes_the_gap(panel, items, alice, client_for) -> None:
    client_for(alice).post(url("item_remove", panel, items[0]))
    assert [(i.case_id, i.position) for i in panel.items.order_by("position")] == [
        (items[1].case_id, 1),
        (items[2].case_id, 2),
    ]
    assert items[0].case.status == Status.AWAITING_PANEL


def test_a_case_awaiting_the_panel_is_added_by_reference(panel, items, alice, llr, client_for):
    case = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    response = client_for(alice).post(url("agenda_add", panel), {"case": case.reference})
    assert response.status_code == 302
    assert panel.items.get(case=case).position == 4


def test_the_add_page_lists_the_cases_ready_and_adds_one_with_a_button(
    panel, items, alice, llr, client_for
) -> None:
    case = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    CaseFactory(area=llr, status=Status.CDRM_HELD)
    client = client_for(alice)
    listed = page(client.get(url("agenda_add", panel)))
    assert case.reference in listed
    assert items[0].case.reference not in listed  # already on
    client.post(url("agenda_add", panel), {"reference": case.reference})
    assert panel.items.filter(case=case).exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda llr: "LLR-2099-0001", "There is no case LLR-2099-0001"),
        (lambda llr: CaseFactory(area=llr, status=Status.CDRM_HELD).reference, "only cases"),
        (lambda llr: "", "Enter the reference of the case to add"),
    ],
)
def test_adding_a_case_that_cannot_go_on_is_refused(
    panel, alice, llr, make, message, client_for
) -> None:
    response = client_for(alice).post(url("agenda_add", panel), {"case": make(llr)})
    assert response.status_code == 400
    assert message in page(response)
    assert not panel.items.exists()


def test_a_case_already_on_is_not_added_twice(panel, items, alice, client_for) -> None:
    response = client_for(alice).post(url("agenda_add", panel), {"case": items[0].case.reference})
    assert "already on the agenda" in page(response)
    assert panel.items.count() == 3


# --- Triage ----------------------------------------------------------------------------------


def test_a_case_is_triaged_for_a_short_discussion_with_its_reason(
    panel, items, alice, client_for
) -> None:
    reason = "Extreme prematurity (23 weeks) with a clear cause of death"
    response = client_for(alice).post(
        url("item_triage", panel, items[1]), {"triage": "short", "reason": reason}
    )
    assert response.status_code == 302
    items[1].refresh_from_db()
    assert (items[1].triage, items[1].triage_reason) == (Triage.SHORT, reason)
    assert items[1].triage_set_by == alice
    assert LogEntry.objects.get_for_object(items[1]).filter(actor=alice).exists()


def test_a_short_discussion_needs_a_reason(panel, items, alice, client_for) -> None:
    response = client_for(alice).post(url("item_triage", panel, items[1]), {"triage": "short"})
    assert response.status_code == 400
    assert "Say why this case needs only a short discussion" in page(response)
    items[1].refresh_from_db()
    assert items[1].triage == Triage.FULL


def test_a_triage_that_is_neither_is_refused(panel, items, alice, client_for) -> None:
    response = client_for(alice).post(url("item_triage", panel, items[1]), {"triage": "medium"})
    assert response.status_code == 400


def test_the_triage_is_set_from_the_case_before_the_meeting_and_shown_there(
    panel, items, alice, client_for
) -> None:
    case = items[0].case
    client = client_for(alice)
    triage_url = reverse("meetings_case:triage", args=[case.reference, items[0].pk])
    response = client.post(triage_url, {"triage": "short", "reason": "Clear cause"})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.reference}/section/meetings/"
    section = page(client.get(response["Location"]))
    assert "CDOP panel, March" in section
    assert "Short discussion: Clear cause" in section


def test_the_triage_of_another_cases_item_is_not_found_from_a_case(
    panel, items, alice, client_for
) -> None:
    triage_url = reverse("meetings_case:triage", args=[items[0].case.reference, items[1].pk])
    assert client_for(alice).post(triage_url, {"triage": "full"}).status_code == 404


# --- Attendance and quorum -----------------------------------------------------------------


def test_the_chair_records_attendance_and_the_page_says_whether_it_is_quorate(
    panel, items, chris, client_for
) -> None:
    client = client_for(chris)
    invitees = {i.name: i for i in panel.invitees.all()}
    data = {f"a_{i.pk}": "attended" for i in invitees.values()}
    data[f"a_{invitees['Poppy Police'].pk}"] = "apologies"
    response = client.post(url("attendance", panel), data)
    assert response.status_code == 302
    assert invitees["Poppy Police"].__class__.objects.get(
        pk=invitees["Poppy Police"].pk
    ).attendance == (Attendance.APOLOGIES)
    shown = page(client.get(url("detail", panel)))
    assert "Not quorate" in shown
    assert "Missing: police" in shown

    data[f"a_{invitees['Poppy Police'].pk}"] = "attended"
    client.post(url("attendance", panel), data)
    assert "Quorate." in page(client.get(url("detail", panel)))


def test_attendance_that_is_not_a_choice_is_refused(panel, chris, client_for) -> None:
    invitee = panel.invitees.first()
    response = client_for(chris).post(url("attendance", panel), {f"a_{invitee.pk}": "maybe"})
    assert response.status_code == 400
    invitee.refresh_from_db()
    assert invitee.attendance == Attendance.UNKNOWN


def test_a_member_may_not_record_attendance(panel, pat, client_for) -> None:
    assert client_for(pat).get(url("attendance", panel)).status_code == 404


def test_the_area_administrator_sets_the_quorum_rule(ada, panel, llr, client_for) -> None:
    everyone_attends(panel)
    panel.invitees.filter(sector=Sector.POLICE).update(attendance=Attendance.APOLOGIES)
    client = client_for(ada)
    response = client.post(
        reverse("meetings:quorum", args=["llr"]),
        {"chair_required": "on", "sectors": ["health", "public_health"]},
    )
    assert response.status_code == 302
    rule = QuorumRule.objects.get(area=llr)
    assert rule.chair_required
    assert rule.sectors == ["public_health", "health"]
    assert "Quorate." in page(client.get(url("detail", panel)))


def test_a_quorum_of_nobody_is_refused(ada, client_for) -> None:
    response = client_for(ada).post(reverse("meetings:quorum", args=["llr"]), {})
    assert response.status_code == 400
    assert "require the chair or at least one sector" in page(response)
    assert not QuorumRule.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "chris", "olu"])
def test_only_the_areas_administrators_set_the_quorum_rule(persona, request, client_for) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("meetings:quorum", args=["llr"])).status_code == 404


# --- Minutes and holding the panel -----------------------------------------------------------


def test_the_chair_writes_the_minutes_of_a_case(panel, items, chris, client_for) -> None:
    response = client_for(chris).post(
        url("item", panel, items[0]), {"minutes": "Discussed; learning about safe sleep."}
    )
    assert response.status_code == 302
    items[0].refresh_from_db()
    assert items[0].minutes == "Discussed; learning about safe sleep."
    assert items[0].minutes_by == chris


def test_a_member_reads_the_minutes_but_cannot_write_them(panel, items, pat, client_for):
    items[0].minutes = "Learning about safe sleep."
    items[0].save()
    client = client_for(pat)
    response = client.get(url("item", panel, items[0]))
    assert response.status_code == 200
    assert "Learning about safe sleep." in page(response)
    assert "Save the minutes" not in page(response)
    assert client.post(url("item", panel, items[0]), {"minutes": "x"}).status_code == 404
    items[0].refresh_from_db()
    assert items[0].minutes == "Learning about safe sleep."


def test_a_case_is_not_recorded_as_discussed_while_the_panel_is_not_quorate(
    panel, items, alice, client_for
) -> None:
    panel.invitees.filter(sector=Sector.CHAIR).update(attendance=Attendance.ATTENDED)
    with time_machine.travel(MEETING_DAY, tick=False):
        response = client_for(alice).post(url("item_discussed", panel, items[0]), follow=True)
    assert "the meeting is not quorate" in page(response)
    assert "public health, health, local authority and police" in page(response)
    items[0].refresh_from_db()
    assert items[0].discussed_at is None
    assert items[0].case.status == Status.AWAITING_PANEL


def test_a_case_discussed_at_a_quorate_panel_moves_to_reviewed_by_the_panel(
    panel, items, alice, client_for
) -> None:
    everyone_attends(panel)
    with time_machine.travel(MEETING_DAY, tick=False):
        response = client_for(alice).post(url("item_discussed", panel, items[0]))
    assert response.status_code == 302
    items[0].refresh_from_db()
    items[0].case.refresh_from_db()
    assert items[0].discussed_at == MEETING_DAY
    assert items[0].case.status == Status.PANEL_REVIEWED
    transition = CaseTransition.objects.get(case=items[0].case)
    assert transition.name == "case_record_panel_review"
    assert transition.by == alice
    assert "CDOP panel, March" in transition.reason


def test_a_case_cannot_be_discussed_before_the_day(panel, items, alice, client_for) -> None:
    everyone_attends(panel)
    with time_machine.travel(MEETING_DAY - datetime.timedelta(days=2), tick=False):
        response = client_for(alice).post(url("item_discussed", panel, items[0]), follow=True)
    assert "record it on the day or afterwards" in page(response)
    assert not CaseTransition.objects.exists()


def test_the_chair_records_a_case_discussed_from_the_agenda_without_reading_the_case(
    panel, items, chris, client_for
) -> None:
    everyone_attends(panel)
    with time_machine.travel(MEETING_DAY, tick=False):
        client = client_for(chris)
        assert "Record this case as discussed" in page(client.get(url("item", panel, items[0])))
        response = client.post(url("item_discussed", panel, items[0]))
        assert response.status_code == 302
        client.post(url("held", panel))
    items[0].case.refresh_from_db()
    assert items[0].case.status == Status.PANEL_REVIEWED
    assert CaseTransition.objects.get(case=items[0].case).by == chris
    panel.refresh_from_db()
    assert panel.status == MeetingStatus.HELD
    # The chair still cannot open the case itself.
    case_url = f"/staff/cases/{items[0].case.reference}/"
    assert client_for(chris).get(case_url).status_code == 404


def test_a_member_may_not_record_a_case_discussed(panel, items, pat, client_for) -> None:
    everyone_attends(panel)
    with time_machine.travel(MEETING_DAY, tick=False):
        client = client_for(pat)
        assert client.post(url("item_discussed", panel, items[0])).status_code == 404
        assert client.post(url("held", panel)).status_code == 404
    items[0].case.refresh_from_db()
    assert items[0].case.status == Status.AWAITING_PANEL
    panel.refresh_from_db()
    assert panel.status == MeetingStatus.SCHEDULED


def test_the_chair_of_another_meeting_may_not_record_this_case(panel, items, chris, llr) -> None:
    from cdop.accounts.permissions import can_record_panel_review

    assert can_record_panel_review(chris, items[0].case)
    other = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    assert not can_record_panel_review(chris, other)
    panel.status = MeetingStatus.CANCELLED
    panel.save()
    assert not can_record_panel_review(chris, items[0].case)


def test_the_chair_of_a_cdrm_may_not_record_it_held(llr, chris, alice, client_for) -> None:
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    meeting = MeetingFactory(area=llr, kind="cdrm", created_by=alice, starts_at=MEETING_DAY)
    AgendaItemFactory(meeting=meeting, case=case, position=1)
    InviteeFactory(meeting=meeting, user=chris, sector=Sector.CHAIR)
    with time_machine.travel(MEETING_DAY, tick=False):
        assert client_for(chris).post(url("held", meeting)).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CDRM


def test_the_panel_is_recorded_as_held_only_when_quorate(panel, items, alice, client_for):
    with time_machine.travel(MEETING_DAY, tick=False):
        client = client_for(alice)  # signed in on the day
        response = client.post(url("held", panel), follow=True)
        assert "not quorate" in page(response)
        panel.refresh_from_db()
        assert panel.status == MeetingStatus.SCHEDULED
        everyone_attends(panel)
        client.post(url("held", panel))
    panel.refresh_from_db()
    assert panel.status == MeetingStatus.HELD
    assert panel.held_at == MEETING_DAY
    # Cases not discussed stay where they were, for another meeting.
    assert {i.case.status for i in panel.items.select_related("case")} == {Status.AWAITING_PANEL}


# --- A child death review meeting --------------------------------------------------------


@pytest.fixture
def cdrm(llr, alice):  # type: ignore[no-untyped-def]
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    meeting = MeetingFactory(area=llr, kind="cdrm", created_by=alice, starts_at=MEETING_DAY)
    AgendaItemFactory(meeting=meeting, case=case, position=1)
    InviteeFactory(meeting=meeting, sector=Sector.HEALTH)
    return meeting


def test_holding_a_cdrm_moves_its_case_on(cdrm, alice, client_for) -> None:
    with time_machine.travel(MEETING_DAY, tick=False):
        response = client_for(alice).post(url("held", cdrm))
    assert response.status_code == 302
    item = cdrm.items.select_related("case").get()
    assert item.case.status == Status.CDRM_HELD
    assert item.discussed_at == MEETING_DAY
    assert CaseTransition.objects.get(case=item.case).name == "case_record_cdrm_held"
    cdrm.refresh_from_db()
    assert cdrm.status == MeetingStatus.HELD


def test_a_cdrm_is_not_held_while_the_post_mortem_report_is_awaited(cdrm, alice, client_for):
    case = cdrm.items.get().case
    PostMortemFactory(case=case)
    with time_machine.travel(MEETING_DAY, tick=False):
        response = client_for(alice).post(url("held", cdrm), follow=True)
    assert "waiting for the post-mortem report" in page(response)
    cdrm.refresh_from_db()
    case.refresh_from_db()
    assert cdrm.status == MeetingStatus.SCHEDULED
    assert case.status == Status.AWAITING_CDRM


def test_a_cdrm_case_cannot_be_taken_off_its_meeting(cdrm, alice, client_for) -> None:
    item = cdrm.items.get()
    response = client_for(alice).post(url("item_remove", cdrm, item), follow=True)
    assert "cancel the meeting instead" in page(response)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- The case's chronology and section ------------------------------------------------------


def test_the_chronology_shows_scheduled_and_discussed(panel, items, alice) -> None:
    from cdop.chronology.registry import chronology_for_case

    everyone_attends(panel)
    from cdop.meetings import services

    with time_machine.travel(MEETING_DAY, tick=False):
        services.agenda_item_discussed(item=items[0], by=alice)
    titles = [
        e.title for e in chronology_for_case(user=alice, case=items[0].case, kinds=["meeting"])
    ]
    assert titles == [
        "Panel meeting scheduled: CDOP panel, March",
        "Case discussed at the panel meeting: CDOP panel, March",
    ]
