"""Recording every contact with the family, and when the next one is due."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils import timezone

from cdop.cases.models import Case
from cdop.chronology.registry import chronology_for_case
from cdop.clocks.models import Clock
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import date_parts
from cdop.family.models import FamilyContact
from cdop.family.tests.factories import FamilyContactFactory

pytestmark = pytest.mark.django_db

# A Wednesday in winter, so London time is UTC.
NOW = datetime.datetime(2027, 3, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(llr, kim) -> Case:
    return CaseFactory(area=llr, key_worker=kim)


def url(case: Case, page: str = "contacts/add/") -> str:
    return f"/staff/cases/{case.reference}/family/{page}"


def contact_post(kim, **overrides) -> dict[str, str]:
    data = {
        **date_parts("on", datetime.date(2027, 3, 2)),
        "time": "14:30",
        "staff": str(kim.pk),
        "family_members": "Mum (Sarah)",
        "method": "visit",
        "discussed": "Explained the review; Sarah asked about the post-mortem.",
        "promised": "Find out when the post-mortem report is due.",
        **date_parts("next_contact_due", datetime.date(2027, 3, 9)),
    }
    data.update(overrides)
    return data


def test_kim_records_a_visit_and_the_next_contact_clock_starts(case, client_for, kim):
    response = client_for(kim).post(url(case), contact_post(kim))

    assert response.status_code == 302
    contact = FamilyContact.objects.get()
    assert contact.at == datetime.datetime(2027, 3, 2, 14, 30, tzinfo=datetime.UTC)
    assert (contact.staff, contact.recorded_by, contact.method) == (kim, kim, "visit")
    assert contact.promised == "Find out when the post-mortem report is due."
    clock = Clock.objects.get(case=case, kind="family_next_contact")
    assert clock.due_at == datetime.datetime(2027, 3, 10, 0, 0, tzinfo=datetime.UTC)
    assert clock.stopped_at is None
    entry = LogEntry.objects.get_for_object(contact).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == kim
    assert entry.additional_data == {"area_id": case.area_id, "case": case.reference}


def test_the_contact_tells_its_part_of_the_story_on_the_chronology(case, kim):
    FamilyContactFactory(case=case, staff=kim, method="phone", promised="Call back Friday")

    [entry] = chronology_for_case(user=kim, case=case, kinds=["family_contact"])

    assert entry.title == "Contact with the family: phone call"
    assert entry.by == "Kim Keyworker"
    assert ("Promised", "Call back Friday") in entry.extra


def test_contacts_are_listed_newest_first(case, client_for, kim):
    FamilyContactFactory(
        case=case, staff=kim, at=NOW - datetime.timedelta(days=10), discussed="The older contact"
    )
    FamilyContactFactory(
        case=case, staff=kim, at=NOW - datetime.timedelta(days=1), discussed="The newer contact"
    )

    text = client_for(kim).get(url(case, "contacts/")).text

    assert text.index("The newer contact") < text.index("The older contact")


def test_an_overdue_next_contact_is_flagged(case, client_for, alice, kim):
    client_for(kim).post(url(case), contact_post(kim))

    with time_machine.travel(NOW + datetime.timedelta(days=10), tick=False):
        page = client_for(alice).get(url(case, "")).text

    assert "9 March 2027" in page
    assert "Overdue" in page


def test_a_contact_without_a_next_date_stops_the_clock(case, client_for, kim):
    client_for(kim).post(url(case), contact_post(kim))

    client_for(kim).post(
        url(case),
        contact_post(
            kim,
            **date_parts("on", datetime.date(2027, 3, 3)),
            time="09:00",
            next_contact_due_day="",
            next_contact_due_month="",
            next_contact_due_year="",
        ),
    )

    assert Clock.objects.get(case=case, kind="family_next_contact").stopped_at == NOW


def test_correcting_a_contact_changes_it_and_the_audit_log_keeps_the_old_words(
    case, client_for, kim, alice
):
    client_for(kim).post(url(case), contact_post(kim))
    contact = FamilyContact.objects.get()

    response = client_for(alice).post(
        url(case, f"contacts/{contact.pk}/"),
        contact_post(kim, discussed="Corrected: Sarah and James both there."),
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.discussed == "Corrected: Sarah and James both there."
    assert (contact.changed_by, contact.changed_at) == (alice, NOW)
    update = LogEntry.objects.get_for_object(contact).get(action=LogEntry.Action.UPDATE)
    assert update.actor == alice
    assert update.changes_dict["discussed"][0].startswith("Explained the review")


def test_the_edit_page_shows_what_was_recorded(case, client_for, kim):
    contact = FamilyContactFactory(case=case, staff=kim, discussed="Words to correct")

    response = client_for(kim).get(url(case, f"contacts/{contact.pk}/"))

    assert response.status_code == 200
    assert "Words to correct" in response.text
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"on_day": "", "on_month": "", "on_year": ""}, "Enter the date of the contact"),
        ({"on_day": "31", "on_month": "2"}, "Date of the contact must be a real date"),
        (date_parts("on", datetime.date(2027, 3, 4)), "must be today or in the past"),
        ({"time": "25:00"}, "Enter the time as hours and minutes, for example 14:30"),
        ({"staff": ""}, "Choose who from the team was in contact"),
        ({"staff": "999999"}, "Choose who from the team was in contact"),
        ({"family_members": ""}, "Enter who in the family you were in contact with"),
        ({"method": ""}, "Select how you were in contact"),
        ({"method": "pigeon"}, "Select a valid choice"),
        ({"discussed": ""}, "Enter what you talked about"),
        (
            date_parts("next_contact_due", datetime.date(2027, 3, 1)),
            "The next contact must be due on or after the date of this contact",
        ),
    ],
)
def test_it_refuses_bad_input_keeping_what_was_typed(case, client_for, kim, overrides, message):
    data = contact_post(kim, promised="Typed words to keep", **overrides)

    response = client_for(kim).post(url(case), data)

    assert response.status_code == 400
    assert message in response.text
    assert "Typed words to keep" in response.text
    assert "govuk-error-summary" in response.text
    assert not FamilyContact.objects.exists()


def test_someone_from_the_team_who_cannot_read_the_case_cannot_be_named(
    case, client_for, kim, alice, llr
):
    from cdop.accounts.models import Role
    from cdop.core.tests.helpers import staff_member

    other = staff_member("kw2@llr.invalid", "Kay Keyworker", llr, Role.KEY_WORKER)

    response = client_for(alice).post(url(case), contact_post(kim, staff=str(other.pk)))

    assert response.status_code == 400
    assert not FamilyContact.objects.exists()


def test_the_time_is_optional_and_then_midday(case, client_for, kim):
    client_for(kim).post(url(case), contact_post(kim, time=""))

    at = timezone.localtime(FamilyContact.objects.get().at)
    assert (at.hour, at.minute) == (12, 0)


def test_an_overdue_next_contact_shows_in_the_key_worker_s_work(case, client_for, kim):
    client_for(kim).post(url(case), contact_post(kim))

    with time_machine.travel(NOW + datetime.timedelta(days=10), tick=False):
        response = client_for(kim).get("/staff/work/")

    assert response.status_code == 200
    assert "Next contact with the family" in response.text
    assert case.reference in response.text
