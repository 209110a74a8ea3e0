"""Choosing, changing and removing the family's key worker."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core import mail

from cdop.accounts.models import Role
from cdop.cases.models import Case
from cdop.chronology.registry import chronology_for_case
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory, MembershipFactory
from cdop.core.tests.helpers import staff_member
from cdop.family.models import KeyWorkerAssignment
from cdop.family.services import case_assign_key_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(llr) -> Case:
    return CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Synthetic")


@pytest.fixture
def kate(llr):
    """A second key worker in LLR."""
    return staff_member("kate@llr.invalid", "Kate Keyworker", llr, Role.KEY_WORKER)


def url(case: Case, page: str = "key-worker/") -> str:
    return f"/staff/cases/{case.reference}/family/{page}"


def test_alice_makes_kim_the_key_worker_and_kim_is_emailed_a_link_only(
    case, client_for, alice, kim, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            url(case), {"key_worker": kim.pk, "phone": "07700 900123"}
        )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.key_worker == kim
    spell = KeyWorkerAssignment.objects.get(case=case)
    assert (spell.key_worker, spell.assigned_by, spell.phone) == (kim, alice, "07700 900123")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [kim.email]
    assert f"/staff/cases/{case.reference}/family/" in email.body
    for personal in ("Oliver", "Synthetic", case.child_nhs_number, "LE3"):
        assert personal not in email.body
        assert personal not in email.subject


def test_the_assignment_is_audited_and_on_the_chronology(case, alice, kim):
    case_assign_key_worker(case=case, by=alice, key_worker=kim)

    change = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.UPDATE)
    assert "key_worker" in change.changes_dict
    assert change.actor == alice
    created = LogEntry.objects.get_for_object(KeyWorkerAssignment.objects.get())
    assert created.get().additional_data == {"area_id": case.area_id, "case": case.reference}
    titles = [e.title for e in chronology_for_case(user=alice, case=case, kinds=["key_worker"])]
    assert titles == ["Kim Keyworker became the family's key worker"]


def test_changing_the_key_worker_takes_the_case_away_from_the_old_one(
    case, client_for, alice, kim, kate
):
    case_assign_key_worker(case=case, by=alice, key_worker=kim)
    assert client_for(kim).get(url(case, "")).status_code == 200

    response = client_for(alice).post(url(case), {"key_worker": kate.pk})

    assert response.status_code == 302
    for page in ("", "contacts/", "letters/"):
        assert client_for(kim).get(url(case, page)).status_code == 404
        assert client_for(kate).get(url(case, page)).status_code == 200
    assert client_for(kim).get(case.get_absolute_url()).status_code == 404
    spells = list(KeyWorkerAssignment.objects.order_by("pk"))
    assert [s.key_worker for s in spells] == [kim, kate]
    assert spells[0].ended_by == alice
    assert spells[0].ended_at is not None
    assert spells[1].ended_at is None
    titles = [e.title for e in chronology_for_case(user=alice, case=case, kinds=["key_worker"])]
    assert "Kim Keyworker stopped being the family's key worker" in titles
    assert "Kate Keyworker became the family's key worker" in titles


def test_removing_the_key_worker_leaves_the_case_with_none(case, client_for, alice, kim):
    case_assign_key_worker(case=case, by=alice, key_worker=kim)

    response = client_for(alice).post(url(case), {"key_worker": ""})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.key_worker is None
    assert not KeyWorkerAssignment.objects.filter(ended_at=None).exists()
    assert client_for(kim).get(url(case, "")).status_code == 404


def test_changing_only_the_phone_keeps_the_same_spell_and_sends_no_email(
    case, alice, kim, django_capture_on_commit_callbacks
):
    case_assign_key_worker(case=case, by=alice, key_worker=kim)
    with django_capture_on_commit_callbacks(execute=True):
        case_assign_key_worker(case=case, by=alice, key_worker=kim, phone="0116 496 0123")

    assert KeyWorkerAssignment.objects.get().phone == "0116 496 0123"
    assert mail.outbox == []


def test_a_key_worker_phone_that_is_not_a_telephone_number_is_refused(case, client_for, alice, kim):
    response = client_for(alice).post(url(case), {"key_worker": kim.pk, "phone": "ask the desk"})

    assert response.status_code == 400
    assert "Enter a telephone number, like 01632 960 001" in response.text
    case.refresh_from_db()
    assert case.key_worker is None


def test_it_refuses_someone_who_is_not_a_key_worker_in_the_area(
    case, client_for, alice, devi, olu, other_area
):
    elsewhere = staff_member("kwo@demo.invalid", "Kay Otherarea", other_area, Role.KEY_WORKER)
    for person in (devi, elsewhere):
        with pytest.raises(DomainError, match="key worker in this area"):
            case_assign_key_worker(case=case, by=alice, key_worker=person)

    response = client_for(alice).post(url(case), {"key_worker": elsewhere.pk, "phone": "0116"})

    assert response.status_code == 400
    assert "Choose a key worker from the list" in response.text
    assert 'value="0116"' in response.text  # what was typed is kept
    case.refresh_from_db()
    assert case.key_worker is None


def test_it_refuses_an_inactive_key_worker(case, alice, kim):
    kim.is_active = False
    kim.save()
    with pytest.raises(DomainError):
        case_assign_key_worker(case=case, by=alice, key_worker=kim)


def test_a_key_worker_can_hold_another_role_too(case, alice, devi):
    MembershipFactory(user=devi, area=case.area, role=Role.KEY_WORKER)

    case_assign_key_worker(case=case, by=alice, key_worker=devi)

    assert Case.objects.get(pk=case.pk).key_worker == devi


def test_only_the_review_team_chooses_the_key_worker(case, client_for, alice, kim, kate):
    case_assign_key_worker(case=case, by=alice, key_worker=kim)

    with pytest.raises(DomainError, match="Only the review team"):
        case_assign_key_worker(case=case, by=kim, key_worker=kate)
    assert client_for(kim).get(url(case)).status_code == 404
    assert client_for(kim).post(url(case), {"key_worker": kate.pk}).status_code == 404
    case.refresh_from_db()
    assert case.key_worker == kim


def test_the_page_lists_only_key_workers_of_the_area(case, client_for, alice, kim, devi):
    response = client_for(alice).get(url(case))

    assert response.status_code == 200
    assert "kim@llr.invalid" in response.text
    assert "devi@llr.invalid" not in response.text


def test_removing_when_there_is_no_key_worker_says_so(case, client_for, alice):
    response = client_for(alice).post(url(case), {"key_worker": ""})

    assert response.status_code == 400
    assert "This case has no key worker to remove" in response.text
