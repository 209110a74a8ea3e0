"""The family's details: how to be in touch, who they are, dates to avoid, support offered,
and the questions and views they want taken to the review."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from cdop.cases.models import Case
from cdop.chronology.registry import chronology_for_case
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import date_parts
from cdop.family.models import DateToAvoid, FamilyMember, FamilyProfile, FamilyQuestion
from cdop.family.tests.factories import DateToAvoidFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(llr, kim) -> Case:
    return CaseFactory(area=llr, key_worker=kim)


def url(case: Case, page: str) -> str:
    return f"/staff/cases/{case.reference}/family/{page}"


def profile_post(**overrides: str) -> dict[str, str]:
    data = {
        "family_name": "Sarah and James Example",
        "postal_address": "1 Example Street\nLeicester",
        "preferred_method": "phone",
        "preferred_time": "Weekday mornings",
        "language": "English",
        "other_needs": "",
        "bereavement_support": "yes",
        "bereavement_support_what": "Referred to a bereavement charity",
        "bereavement_support_by": "Kim Keyworker",
        **date_parts("bereavement_support_on", timezone.localdate()),
    }
    data.update(overrides)
    return data


def test_kim_saves_how_to_be_in_touch_and_the_support_offered(case, client_for, kim):
    response = client_for(kim).post(url(case, "details/"), profile_post(interpreter_needed="on"))

    assert response.status_code == 302
    profile = FamilyProfile.objects.get(case=case)
    assert profile.family_name == "Sarah and James Example"
    assert profile.interpreter_needed is True
    assert profile.bereavement_support == "yes"
    assert profile.updated_by == kim
    assert LogEntry.objects.get_for_object(profile).get().actor == kim
    [entry] = chronology_for_case(user=kim, case=case, kinds=["family"])
    assert entry.title == "Bereavement support offered"
    assert entry.detail == "Referred to a bereavement charity"


def test_a_family_member_s_phone_number_must_be_a_telephone_number(case, client_for, kim):
    response = client_for(kim).post(
        url(case, "members/add/"),
        {"name": "James Example", "relationship": "Father", "phone": "evenings only"},
    )

    assert response.status_code == 400
    assert "Enter a telephone number, like 01632 960 001" in response.text
    assert 'value="evenings only"' in response.text
    assert not FamilyMember.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bereavement_support": ""}, "Select whether bereavement support was offered"),
        ({"bereavement_support_what": ""}, "Enter what support was offered"),
        ({"bereavement_support_on_day": "40"}, "When it was offered must be a real date"),
        (
            date_parts("bereavement_support_on", timezone.localdate() + datetime.timedelta(1)),
            "must be today or in the past",
        ),
        ({"preferred_method": "smoke"}, "Select a valid choice"),
    ],
)
def test_the_details_page_refuses_bad_input_keeping_what_was_typed(
    case, client_for, kim, overrides, message
):
    response = client_for(kim).post(
        url(case, "details/"), profile_post(preferred_time="Typed to keep", **overrides)
    )

    assert response.status_code == 400
    assert message in response.text
    assert "Typed to keep" in response.text
    assert not FamilyProfile.objects.exists()


def test_the_family_page_shows_the_details_to_those_who_read_the_case(case, client_for, kim, devi):
    client_for(kim).post(url(case, "details/"), profile_post())
    FamilyMemberFactory(case=case, name="Sarah Example", phone="0116 496 0999")

    for person in (kim, devi):
        response = client_for(person).get(url(case, ""))
        assert response.status_code == 200
        assert "0116 496 0999" in response.text
        assert "Dear Sarah and James Example" in response.text
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=devi).exists()


def test_kim_adds_changes_and_removes_a_family_member(case, client_for, kim):
    client = client_for(kim)
    response = client.post(
        url(case, "members/add/"),
        {
            "name": "James Example",
            "relationship": "Father",
            "email": "james@example.invalid",
            "main_contact": "on",
        },
    )
    assert response.status_code == 302
    member = FamilyMember.objects.get()
    assert member.main_contact

    client.post(
        url(case, "members/add/"),
        {"name": "Sarah Example", "relationship": "Mother", "main_contact": "on"},
    )
    member.refresh_from_db()
    assert not member.main_contact  # only one main contact

    client.post(
        url(case, f"members/{member.pk}/"), {"name": "James Example", "relationship": "Stepfather"}
    )
    member.refresh_from_db()
    assert member.relationship == "Stepfather"

    response = client.post(url(case, f"members/{member.pk}/remove/"))
    assert response.status_code == 302
    assert not FamilyMember.objects.filter(pk=member.pk).exists()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(member.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter their name"),
        ({"relationship": ""}, "Enter their relationship to the child"),
        ({"email": "not an email"}, "Enter an email address in the correct format"),
    ],
)
def test_the_member_page_refuses_bad_input(case, client_for, kim, overrides, message):
    data = {"name": "Sarah", "relationship": "Mother", "notes": "Typed to keep", **overrides}

    response = client_for(kim).post(url(case, "members/add/"), data)

    assert response.status_code == 400
    assert message in response.text
    assert "Typed to keep" in response.text
    assert not FamilyMember.objects.exists()


def test_kim_adds_and_removes_a_date_to_avoid(case, client_for, kim):
    client = client_for(kim)

    response = client.post(
        url(case, "dates-to-avoid/add/"),
        {
            "description": "Oliver's birthday",
            **date_parts("date", datetime.date(2024, 6, 1)),
            "every_year": "on",
        },
    )

    assert response.status_code == 302
    avoid = DateToAvoid.objects.get()
    assert (avoid.date, avoid.every_year) == (datetime.date(2024, 6, 1), True)
    assert "1 June, every year" in client.get(url(case, "")).text
    client.post(url(case, f"dates-to-avoid/{avoid.pk}/remove/"))
    assert not DateToAvoid.objects.exists()


def test_the_date_to_avoid_page_refuses_bad_input(case, client_for, kim):
    response = client_for(kim).post(
        url(case, "dates-to-avoid/add/"),
        {"description": "", "date_day": "1", "date_month": "13", "date_year": "2024"},
    )

    assert response.status_code == 400
    assert "Enter what to avoid" in response.text
    assert "must be a real date" in response.text
    assert not DateToAvoid.objects.exists()


def test_kim_records_a_question_for_the_review_and_later_marks_it_answered(
    case, client_for, kim, alice
):
    today = timezone.localdate()
    response = client_for(kim).post(
        url(case, "questions/add/"),
        {
            "kind": "question",
            "text": "Why did the ambulance take so long?",
            **date_parts("recorded_on", today),
        },
    )
    assert response.status_code == 302
    question = FamilyQuestion.objects.get()
    assert (question.recorded_by, question.answered) == (kim, False)

    client_for(alice).post(
        url(case, f"questions/{question.pk}/"),
        {
            "kind": "question",
            "text": question.text,
            **date_parts("recorded_on", today),
            "answered": "on",
            "answer": "The panel looked at the response times.",
        },
    )

    question.refresh_from_db()
    assert question.answered
    assert (
        LogEntry.objects.get_for_object(question)
        .filter(action=LogEntry.Action.UPDATE, actor=alice)
        .exists()
    )
    [entry] = chronology_for_case(user=kim, case=case, kinds=["family"])
    assert entry.title == "The family's question for the review recorded"
    assert ("Answered by the review", "Yes") in entry.extra


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "Select whether this is a question or a view"),
        ({"text": ""}, "Enter the family&#x27;s question or view"),
        ({"recorded_on_day": ""}, "When the family told you must include a day"),
        (
            date_parts("recorded_on", timezone.localdate() + datetime.timedelta(2)),
            "must be today or in the past",
        ),
    ],
)
def test_the_question_page_refuses_bad_input(case, client_for, kim, overrides, message):
    data = {
        "kind": "view",
        "text": "Typed to keep",
        "answer": "Answer typed",
        **date_parts("recorded_on", timezone.localdate()),
        **overrides,
    }

    response = client_for(kim).post(url(case, "questions/add/"), data)

    assert response.status_code == 400
    assert message in response.text
    assert "Answer typed" in response.text
    assert not FamilyQuestion.objects.exists()


def test_a_family_record_of_one_case_cannot_be_reached_through_another(case, client_for, kim, llr):
    other = CaseFactory(area=llr, key_worker=kim)
    avoid = DateToAvoidFactory(case=other)
    member = FamilyMemberFactory(case=other)

    assert client_for(kim).get(url(case, f"members/{member.pk}/")).status_code == 404
    assert client_for(kim).post(url(case, f"dates-to-avoid/{avoid.pk}/remove/")).status_code == 404
    assert DateToAvoid.objects.filter(pk=avoid.pk).exists()
