"""The family's section of the case page, and the family on the case's chronology."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.cases import services as case_services
from cdop.cases.sections import sections_for
from cdop.core.tests.factories import NotificationFactory
from cdop.family import services
from cdop.family.tests.factories import (
    FamilyContactFactory,
    FamilyProfileFactory,
    FamilyQuestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(llr, alice, kim):
    case = case_services.case_open_from_notification(
        notification=NotificationFactory(area=llr), by=alice
    )
    services.case_assign_key_worker(case=case, by=alice, key_worker=kim)
    case.refresh_from_db()
    return case


def test_the_case_page_shows_the_key_worker_the_contacts_and_the_support(
    case, client_for, alice, kim
):
    FamilyContactFactory(
        case=case,
        staff=kim,
        at=timezone.now() - datetime.timedelta(days=1),
        next_contact_due=timezone.localdate() + datetime.timedelta(days=6),
    )
    FamilyProfileFactory(case=case, bereavement_support="yes", bereavement_support_what="A")

    response = client_for(alice).get(f"/staff/cases/{case.reference}/section/family/")

    assert response.status_code == 200
    section = response.text.split('id="family"', 1)[1].split("</section>", 1)[0]
    assert "Family and key worker" in section
    assert "Kim Keyworker" in section
    assert "phone call" in section
    assert "Yes" in section
    assert f"/staff/cases/{case.reference}/family/contacts/" in section
    assert "Overdue" not in section


def test_the_section_runs_the_same_queries_whatever_the_family_record_holds(case, rf, alice, kim):
    request = rf.get("/")
    request.user = alice
    # One contact and question first: the case page's latest chronology entries skip the
    # queries that find nothing, so a record with none asks fewer (compiled_skipping_empty).
    FamilyContactFactory(case=case, staff=kim)
    FamilyQuestionFactory(case=case)
    family = [s for s in sections_for(request, case) if s[0].key == "family"]
    with CaptureQueriesContext(connection) as one:
        [s for s in sections_for(request, case) if s[0].key == "family"]
    for _ in range(3):
        FamilyContactFactory(case=case, staff=kim)
        FamilyQuestionFactory(case=case)
    with CaptureQueriesContext(connection) as four:
        sections_for(request, case)
    assert family
    assert len(four) == len(one)


def test_the_chronology_tells_the_family_s_story(case, client_for, alice, kim):
    FamilyContactFactory(case=case, staff=kim, discussed="First visit to the family")

    response = client_for(alice).get(f"/staff/cases/{case.reference}/chronology/")

    assert response.status_code == 200
    text = response.text
    assert "Kim Keyworker became the family" in text
    assert "Contact with the family: phone call" in text


def test_the_chronology_provider_runs_the_same_queries_however_much_there_is(case, alice, kim):
    from cdop.family.chronology import family_chronology

    with CaptureQueriesContext(connection) as few:
        list(family_chronology(alice, case))
    for _ in range(3):
        FamilyContactFactory(case=case, staff=kim)
        FamilyQuestionFactory(case=case)
    services.case_assign_key_worker(case=case, by=alice, key_worker=None)
    with CaptureQueriesContext(connection) as many:
        entries = list(family_chronology(alice, case))

    assert len(many) == len(few)
    assert len(entries) == 2 + 3 + 3
