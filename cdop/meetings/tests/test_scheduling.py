from __future__ import annotations

import datetime
import html

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.investigations.tests.factories import PostMortemFactory
from cdop.meetings.models import AgendaItem, Invitee, Meeting, MeetingStatus, Sector
from cdop.meetings.tests.factories import AgendaItemFactory, InviteeFactory, MeetingFactory


def page(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def new_url(kind: str) -> str:
    return reverse("meetings:new", kwargs={"kind": kind})


def detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", kwargs={"meeting_id": meeting.pk})


def panel_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "CDOP panel, March",
        "theme": "Neonatal deaths",
        "date_day": "15",
        "date_month": "3",
        "date_year": "2027",
        "time": "14:00",
        "place": "Room 4, County Hall",
        "video_link": "https://meet.example.org/cdop-march",
        "outside": "Sam Patel, sam.patel@police.example.org, Synthetic Police, police",
        "add_ready_cases": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ready_cases(llr):  # type: ignore[no-untyped-def]
    return [
        CaseFactory(
            area=llr,
            status=Status.AWAITING_PANEL,
            child_first_name="Zebedee",
            child_last_name=f"Quillfeather{n}",
            date_of_death=datetime.date(2026, 10, 1 + n),
        )
        for n in range(3)
    ]


def test_alice_schedules_a_panel_and_its_agenda_is_the_cases_awaiting_the_panel(
    alice, chris, pat, ready_cases, llr, other_area, client_for
) -> None:
    CaseFactory(area=llr, status=Status.AWAITING_CDRM)  # not ready for the panel
    CaseFactory(area=other_area, status=Status.AWAITING_PANEL)  # another area's
    response = client_for(alice).post(
        new_url("panel"), panel_form(staff=[str(chris.pk), str(pat.pk)])
    )

    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get()
    assert response["Location"] == detail_url(meeting)
    assert meeting.kind == "panel"
    assert meeting.area == llr
    assert meeting.theme == "Neonatal deaths"
    assert meeting.created_by == alice
    assert timezone.localtime(meeting.starts_at).hour == 14
    assert meeting.status == MeetingStatus.SCHEDULED
    assert [i.case for i in meeting.items.order_by("position")] == ready_cases
    invitees = {i.email: i for i in meeting.invitees.all()}
    assert invitees["chris@llr.invalid"].user == chris
    assert invitees["chris@llr.invalid"].sector == Sector.CHAIR  # from the panel chair role
    assert invitees["sam.patel@police.example.org"].user is None
    assert invitees["sam.patel@police.example.org"].sector == Sector.POLICE
    assert invitees["sam.patel@police.example.org"].organisation == "Synthetic Police"
    assert LogEntry.objects.get_for_object(meeting).get().actor == alice


def test_the_invitations_carry_the_meeting_and_a_sign_in_link_but_nothing_about_a_child(
    alice, chris, ready_cases, client_for
) -> None:
    client_for(alice).post(new_url("panel"), panel_form(staff=[str(chris.pk)]))

    meeting = Meeting.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chris@llr.invalid",
        "sam.patel@police.example.org",
    ]
    email = mail.outbox[0]
    assert email.subject == "Invitation: CDOP panel, March"
    assert "Monday 15 March 2027 at 14:00" in email.body
    assert "Room 4, County Hall" in email.body
    assert "https://meet.example.org/cdop-march" in email.body
    assert f"http://127.0.0.1:8000/staff/meetings/{meeting.pk}/" in email.body
    for case in ready_cases:
        for detail in (case.child_first_name, case.child_last_name, case.reference):
            assert detail not in email.body
            assert detail not in email.subject
    assert all(i.invited_at == NOW for i in meeting.invitees.all())


def test_a_themed_panel_can_start_with_an_empty_agenda(alice, chris, ready_cases, client_for):
    form = panel_form(staff=[str(chris.pk)])
    del form["add_ready_cases"]
    client_for(alice).post(new_url("panel"), form)
    assert not Meeting.objects.get().items.exists()


def test_a_case_already_on_another_upcoming_agenda_is_not_added_twice(
    alice, chris, ready_cases, llr, client_for
) -> None:
    AgendaItemFactory(meeting=MeetingFactory(area=llr), case=ready_cases[0], position=1)
    client_for(alice).post(new_url("panel"), panel_form(staff=[str(chris.pk)]))
    meeting = Meeting.objects.latest("pk")
    assert [i.case for i in meeting.items.all()] == ready_cases[1:]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_day": "1", "date_month": "2"}, "date", "must be in the future"),
        ({"date_day": "31", "date_month": "2"}, "date", "must be a real date"),
        ({"time": "25:00"}, "time", "Enter the time as hours and minutes"),
        ({"time": ""}, "time", "Enter the time the meeting starts"),
        ({"video_link": "not a link at all"}, "video_link", "full web address"),
        ({"place": "", "video_link": ""}, "place", "Enter where the meeting is"),
        ({"outside": ""}, "staff", "Invite at least one person"),
        ({"outside": "Sam Patel"}, "outside", "Line 1: write the name, then the email"),
        ({"outside": "Sam Patel, not-an-email"}, "outside", "not an email address"),
        ({"outside": "Sam, sam@example.org, Police, army"}, "outside", "is not a sector"),
        ({"title": ""}, "title", "Enter a title for the meeting"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_what_was_typed_is_kept(
    alice, overrides, field, message, client_for
) -> None:
    response = client_for(alice).post(new_url("panel"), panel_form(**overrides))

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert message in page(response)
    assert "Room 4, County Hall" in page(response) or field == "place"
    assert not Meeting.objects.exists()
    assert not mail.outbox


def test_the_same_person_cannot_be_invited_twice(alice, client_for) -> None:
    response = client_for(alice).post(
        new_url("panel"),
        panel_form(outside="A, a@example.org\nA again, A@example.org"),
    )
    assert response.status_code == 400
    assert "Each person can be invited only once" in page(response)
    assert not Meeting.objects.exists()


# --- Child death review meetings --------------------------------------------------------


def cdrm_form(case_reference: str, **overrides: object) -> dict[str, object]:
    data = panel_form(case=case_reference, title="Child death review meeting", **overrides)
    del data["theme"], data["add_ready_cases"]
    return data


def test_a_cdrm_is_scheduled_for_one_case_awaiting_it(alice, devi, llr, client_for) -> None:
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    PostMortemFactory(case=case, report_received_on=datetime.date(2027, 2, 1))
    response = client_for(alice).post(
        new_url("cdrm"), cdrm_form(case.reference.lower(), staff=[str(devi.pk)])
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.kind == "cdrm"
    assert meeting.theme == ""
    assert [i.case for i in meeting.items.all()] == [case]
    assert meeting.invitees.get(user=devi).sector == Sector.HEALTH


def test_a_cdrm_cannot_be_scheduled_while_the_post_mortem_report_is_awaited(
    alice, devi, llr, client_for
) -> None:
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    PostMortemFactory(case=case, performed_on=datetime.date(2026, 11, 3))
    response = client_for(alice).post(
        new_url("cdrm"), cdrm_form(case.reference, staff=[str(devi.pk)])
    )

    assert response.status_code == 400
    text = page(response)
    assert f"The child death review meeting for case {case.reference} cannot be scheduled" in text
    assert "waiting for the post-mortem report since 3 November 2026" in text
    assert not Meeting.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("reference", "message"),
    [("LLR-2099-9999", "There is no case LLR-2099-9999"), ("", "Enter the reference")],
)
def test_a_cdrm_for_an_unknown_case_is_refused(alice, devi, reference, message, client_for) -> None:
    response = client_for(alice).post(new_url("cdrm"), cdrm_form(reference, staff=[str(devi.pk)]))
    assert response.status_code == 400
    assert message in page(response)
    assert not Meeting.objects.exists()


def test_a_cdrm_for_another_areas_case_is_as_unknown(alice, devi, other_area, client_for):
    case = CaseFactory(area=other_area, status=Status.AWAITING_CDRM)
    response = client_for(alice).post(
        new_url("cdrm"), cdrm_form(case.reference, staff=[str(devi.pk)])
    )
    assert response.status_code == 400
    assert f"There is no case {case.reference}" in page(response)


def test_a_cdrm_for_a_case_past_that_stage_is_refused(alice, devi, llr, client_for):
    case = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    response = client_for(alice).post(
        new_url("cdrm"), cdrm_form(case.reference, staff=[str(devi.pk)])
    )
    assert response.status_code == 400
    assert "can be scheduled only for a case gathering information" in page(response)


def test_a_second_cdrm_for_the_same_case_is_refused(alice, devi, llr, client_for):
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    AgendaItemFactory(case=case, meeting=MeetingFactory(area=llr, kind="cdrm"), position=1)
    response = client_for(alice).post(
        new_url("cdrm"), cdrm_form(case.reference, staff=[str(devi.pk)])
    )
    assert response.status_code == 400
    assert "already has a child death review meeting scheduled" in page(response)


def test_the_cdrm_form_opens_with_the_case_from_the_case_page(alice, llr, client_for):
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    response = client_for(alice).get(new_url("cdrm") + f"?case={case.reference}")
    assert response.status_code == 200
    assert f'value="{case.reference}"' in page(response)


# --- Who may schedule ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chris", "pat", "kim"])
def test_only_those_who_run_cases_may_schedule(persona, request, client_for) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(new_url("panel")).status_code == 404
    assert client.post(new_url("panel"), panel_form()).status_code == 404
    assert not Meeting.objects.exists()


def test_another_areas_manager_schedules_only_for_their_own_area(olu, llr, client_for):
    client_for(olu).post(new_url("panel") + f"?area={llr.pk}", panel_form(area=str(llr.pk)))
    assert Meeting.objects.get().area.slug == "demo-shire"


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(new_url("panel"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_an_unknown_kind_of_meeting_is_not_found(alice, client_for) -> None:
    assert client_for(alice).get(new_url("party")).status_code == 404


# --- Changing and cancelling ------------------------------------------------------------


@pytest.fixture
def meeting(llr, alice):  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(
        area=llr,
        created_by=alice,
        title="CDOP panel, March",
        starts_at=datetime.datetime(2027, 3, 15, 14, 0, tzinfo=datetime.UTC),
    )
    InviteeFactory(meeting=meeting, email="one@example.org", sector=Sector.CHAIR)
    InviteeFactory(meeting=meeting, email="two@example.org", sector=Sector.POLICE)
    return meeting


def change_form(**overrides: object) -> dict[str, object]:
    data = panel_form(**overrides)
    del data["outside"], data["add_ready_cases"]
    return data


def test_a_new_date_sends_everyone_the_invitation_again(meeting, alice, client_for) -> None:
    response = client_for(alice).post(
        reverse("meetings:change", args=[meeting.pk]), change_form(date_day="22")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).day == 22
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    assert mail.outbox[0].subject == "Changed: CDOP panel, March"
    assert "Monday 22 March 2027 at 14:00" in mail.outbox[0].body


def test_a_new_title_alone_sends_nothing(meeting, alice, client_for) -> None:
    client_for(alice).post(
        reverse("meetings:change", args=[meeting.pk]),
        change_form(
            title="Renamed", place=meeting.place, video_link="", date_day="15", time="14:00"
        ),
    )
    meeting.refresh_from_db()
    assert meeting.title == "Renamed"
    assert not mail.outbox


def test_a_change_into_the_past_is_refused(meeting, alice, client_for) -> None:
    response = client_for(alice).post(
        reverse("meetings:change", args=[meeting.pk]), change_form(date_month="1")
    )
    assert response.status_code == 400
    assert "must be in the future" in page(response)
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).month == 3


def test_cancelling_tells_everyone_invited(meeting, alice, client_for) -> None:
    response = client_for(alice).post(
        reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Chair unwell"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancel_reason == "Chair unwell"
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    assert mail.outbox[0].subject == "Cancelled: CDOP panel, March"
    assert "Chair unwell" not in mail.outbox[0].body
    assert "cancelled" in mail.outbox[0].body


def test_cancelling_needs_a_reason(meeting, alice, client_for) -> None:
    response = client_for(alice).post(reverse("meetings:cancel", args=[meeting.pk]), {})
    assert response.status_code == 400
    assert "Say why the meeting is cancelled" in page(response)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_a_cancelled_meeting_cannot_be_cancelled_again(meeting, alice, client_for) -> None:
    client = client_for(alice)
    client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Chair unwell"})
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Again"})
    assert response.status_code == 400
    assert "This meeting has been cancelled" in page(response)
    assert len(mail.outbox) == 2


# --- Invitees ---------------------------------------------------------------------------


def test_someone_from_outside_is_invited_by_name_and_emailed(meeting, alice, client_for):
    response = client_for(alice).post(
        reverse("meetings:invitee_add", args=[meeting.pk]),
        {
            "name": "Lee Health",
            "email": "Lee@Health.example.org",
            "organisation": "ICB",
            "role": "Public health consultant",
            "sector": "public_health",
        },
    )
    assert response.status_code == 302
    invitee = meeting.invitees.get(email="lee@health.example.org")
    assert invitee.sector == Sector.PUBLIC_HEALTH
    assert invitee.role == "Public health consultant"
    assert [m.to for m in mail.outbox] == [["lee@health.example.org"]]


def test_a_member_of_staff_is_invited_from_the_list(meeting, alice, pat, client_for):
    client_for(alice).post(
        reverse("meetings:invitee_add", args=[meeting.pk]),
        {"user": str(pat.pk), "sector": "education"},
    )
    invitee = meeting.invitees.get(user=pat)
    assert invitee.name == "Pat Member"
    assert invitee.sector == Sector.EDUCATION


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "x@example.org", "sector": "health"}, "enter the person's name"),
        ({"name": "X", "sector": "health"}, "Enter the person's email address"),
        ({"name": "X", "email": "x@example.org"}, "Choose the sector"),
        ({"name": "X", "email": "bad", "sector": "health"}, "right format"),
        ({"name": "X", "email": "one@example.org", "sector": "health"}, "already invited"),
        ({"user": "999999"}, "Choose a member of staff from the list"),
    ],
)
def test_an_invitation_with_bad_input_is_refused(meeting, alice, data, message, client_for):
    response = client_for(alice).post(reverse("meetings:invitee_add", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert message in page(response)
    assert meeting.invitees.count() == 2
    assert not mail.outbox


def test_an_invitee_is_removed_and_their_sector_changed(meeting, alice, client_for):
    one, two = meeting.invitees.order_by("email")
    client = client_for(alice)
    client.post(reverse("meetings:invitee_remove", args=[meeting.pk, one.pk]))
    client.post(
        reverse("meetings:invitee_change", args=[meeting.pk, two.pk]),
        {"sector": "local_authority", "organisation": "Council", "role": "Team manager"},
    )
    assert list(meeting.invitees.all()) == [two]
    two.refresh_from_db()
    assert (two.sector, two.organisation) == ("local_authority", "Council")


def test_an_invitee_of_another_meeting_is_not_found(meeting, alice, llr, client_for):
    stranger = InviteeFactory(meeting=MeetingFactory(area=llr))
    response = client_for(alice).post(
        reverse("meetings:invitee_remove", args=[meeting.pk, stranger.pk])
    )
    assert response.status_code == 404
    assert Invitee.objects.filter(pk=stranger.pk).exists()


def test_agenda_items_survive_nothing_lost_on_a_refused_schedule(alice, client_for):
    client_for(alice).post(new_url("panel"), panel_form(outside=""))
    assert not AgendaItem.objects.exists()
