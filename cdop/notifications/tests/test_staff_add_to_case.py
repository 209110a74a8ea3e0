"""Adding a duplicate notification to the existing case of the same death, and undoing it."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from cdop.cases.models import CaseTransition, Task
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.notifications.models import Notification
from cdop.transfers.models import CaseAddition

pytestmark = pytest.mark.django_db


def add_url(notification: Notification) -> str:
    return f"/staff/notifications/{notification.reference}/add-to-case/"


def undo_url(notification: Notification) -> str:
    return f"/staff/notifications/{notification.reference}/undo-add-to-case/"


@pytest.fixture
def case(llr):
    return CaseFactory(area=llr, reference="LLR-2026-0007", child_nhs_number="9990000018")


@pytest.fixture
def duplicate(llr):
    return NotificationFactory(
        area=llr, notifier_name="Second Notifier", notifier_email="second@example.invalid"
    )


def test_alice_adds_a_notification_to_a_case_and_the_case_lists_both_notifiers(
    llr, client_for, alice, case
):
    first = NotificationFactory(
        area=llr,
        status=Notification.Status.CASE_OPENED,
        case=case,
        notifier_name="First Notifier",
        notifier_email="first@example.invalid",
        notifier_phone="0116 496 0001",
    )
    second = NotificationFactory(
        area=llr,
        notifier_name="Second Notifier",
        notifier_role="Police officer",
        notifier_organisation="Synthetic Constabulary",
        notifier_email="second@example.invalid",
        notifier_phone="0116 496 0002",
    )
    task = Task.objects.create(
        area=llr, notification=second, title="JAR", rule="jar", due_at=second.received_at
    )
    client = client_for(alice)

    response = client.post(add_url(second), {"case": case.reference}, follow=True)

    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    second.refresh_from_db()
    assert second.status == Notification.Status.ADDED_TO_CASE
    assert second.case == case
    assert second.dealt_with_by == alice
    assert second.dealt_with_at is not None
    addition = CaseAddition.objects.get()
    assert (addition.notification, addition.case, addition.by) == (second, case, alice)
    case.refresh_from_db()
    assert case.status == Status.NOTIFIED  # the case itself does not move
    assert not CaseTransition.objects.filter(case=case).exists()
    task.refresh_from_db()
    assert task.case == case
    change = LogEntry.objects.get_for_object(second).get(action=LogEntry.Action.UPDATE)
    assert change.actor == alice
    text = client.get(f"/staff/cases/{case.reference}/section/notifications/").text
    for notifier in (first, second):
        for value in (
            notifier.notifier_name,
            notifier.notifier_email,
            notifier.notifier_phone,
            notifier.reference,
        ):
            assert value in text
    assert "Police officer, Synthetic Constabulary" in text


def test_a_closed_case_cannot_take_a_notification(llr, client_for, alice, duplicate):
    closed = CaseFactory(area=llr, status=Status.FINALISED, reference="LLR-2026-0099")

    page = client_for(alice).post(add_url(duplicate), {"case": closed.reference}, follow=True)

    duplicate.refresh_from_db()
    assert duplicate.status == Notification.Status.NEW
    assert "Case LLR-2026-0099 is closed (finalised)" in page.text
    assert not CaseAddition.objects.exists()


def test_a_case_in_another_area_cannot_be_found(llr, other_area, client_for, alice, duplicate):
    theirs = CaseFactory(area=other_area, reference="DEMO-2026-0001")

    page = client_for(alice).post(add_url(duplicate), {"case": theirs.reference}, follow=True)

    duplicate.refresh_from_db()
    assert duplicate.status == Notification.Status.NEW
    assert "That case could not be found in this area" in page.text


def test_a_notification_already_dealt_with_cannot_be_added(llr, client_for, alice, case):
    done = NotificationFactory(area=llr, status=Notification.Status.TRANSFERRED)

    page = client_for(alice).post(add_url(done), {"case": case.reference}, follow=True)

    done.refresh_from_db()
    assert done.status == Notification.Status.TRANSFERRED
    assert "has already been dealt with (transferred to another panel)" in page.text


def test_kim_the_key_worker_cannot_see_or_add_a_new_notification(
    llr, client_for, kim, case, duplicate
):
    response = client_for(kim).post(add_url(duplicate), {"case": case.reference})

    duplicate.refresh_from_db()
    assert duplicate.status == Notification.Status.NEW
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["pat", "olu"])
def test_others_get_404(client_for, request, persona, case, duplicate):
    response = client_for(request.getfixturevalue(persona)).post(
        add_url(duplicate), {"case": case.reference}
    )

    assert response.status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.status == Notification.Status.NEW


def test_ada_takes_a_notification_back_out_with_a_reason(llr, client_for, alice, ada, case):
    notification = NotificationFactory(area=llr)
    task = Task.objects.create(
        area=llr, notification=notification, title="JAR", rule="jar", due_at=case.opened_at
    )
    client_for(alice).post(add_url(notification), {"case": case.reference})

    page = client_for(ada).post(
        undo_url(notification), {"reason": "A different child with the same name"}, follow=True
    )

    notification.refresh_from_db()
    assert notification.status == Notification.Status.NEW
    assert notification.case is None
    assert notification.dealt_with_at is None
    addition = CaseAddition.objects.get()
    assert (addition.undone_by, addition.undo_reason) == (
        ada,
        "A different child with the same name",
    )
    task.refresh_from_db()
    assert task.case is None
    assert "is new again" in page.text
    assert "Taken out" in page.text
    entries = LogEntry.objects.get_for_object(notification).filter(action=LogEntry.Action.UPDATE)
    assert entries.filter(actor=ada).exists()


def test_undo_needs_a_reason(llr, client_for, alice, ada, case):
    notification = NotificationFactory(area=llr)
    client_for(alice).post(add_url(notification), {"case": case.reference})

    page = client_for(ada).post(undo_url(notification), {"reason": "  "})

    assert page.status_code == 400
    assert "Enter why the notification is being taken out of the case" in page.text
    notification.refresh_from_db()
    assert notification.status == Notification.Status.ADDED_TO_CASE


def test_alice_is_a_manager_and_cannot_undo(llr, client_for, alice, case):
    notification = NotificationFactory(area=llr)
    client = client_for(alice)
    client.post(add_url(notification), {"case": case.reference})

    assert "Take this notification out" not in client.get(notification.get_absolute_url()).text
    page = client.post(undo_url(notification), {"reason": "Wrong child"}, follow=True)

    assert "Only an administrator can take a notification out of a case" in page.text
    notification.refresh_from_db()
    assert notification.status == Notification.Status.ADDED_TO_CASE
    assert CaseAddition.objects.get().undone_at is None


def test_olu_cannot_undo_in_another_area(llr, client_for, alice, olu, case):
    notification = NotificationFactory(area=llr)
    client_for(alice).post(add_url(notification), {"case": case.reference})

    assert client_for(olu).post(undo_url(notification), {"reason": "x"}).status_code == 404
