"""Transferring a notification to another area of this service."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core import mail

from cdop.cases.models import Task
from cdop.core.tests.factories import NotificationFactory
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.transfers.models import TransferRecord

pytestmark = pytest.mark.django_db


def inside_url(notification: Notification) -> str:
    return f"/staff/transfers/{notification.reference}/inside/"


def test_alice_transfers_to_olus_area_which_then_sees_it_and_she_does_not(
    llr, other_area, client_for, alice, olu
):
    notification = NotificationFactory(
        area=llr, residence_status=ResidenceStatus.OTHER_AREA, residence_area=other_area
    )
    task = Task.objects.create(
        area=llr,
        notification=notification,
        title="JAR",
        rule="jar",
        due_at=notification.received_at,
    )
    alice_client = client_for(alice)
    form = alice_client.get(f"/staff/transfers/{notification.reference}/")
    assert "Demo Shire" in form.text

    response = alice_client.post(
        inside_url(notification),
        {"to_area": other_area.pk, "reason": "Lived in Demo Shire with foster carers"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/staff/notifications/"
    assert "is transferred to Demo Shire" in response.text
    notification.refresh_from_db()
    assert notification.area == other_area
    assert notification.status == Notification.Status.NEW
    assert notification.dealt_with_by == alice
    assert notification.residence_status == ResidenceStatus.THIS_AREA
    record = TransferRecord.objects.get()
    assert (record.kind, record.from_area, record.to_area, record.by) == (
        TransferRecord.Kind.INSIDE,
        llr,
        other_area,
        alice,
    )
    task.refresh_from_db()
    assert task.area == other_area
    assert LogEntry.objects.get_for_object(notification).filter(actor=alice).exists()
    assert LogEntry.objects.get_for_object(record).get().action == LogEntry.Action.CREATE
    # The receiving managers are told, with a link and no personal details.
    [email] = mail.outbox
    assert email.to == [olu.email]
    assert notification.reference in email.body
    assert f"/staff/notifications/{notification.reference}/" in email.body
    assert notification.child_last_name not in email.body
    assert notification.child_last_name not in email.subject
    # Access follows the area.
    assert alice_client.get(notification.get_absolute_url()).status_code == 404
    olu_page = client_for(olu).get(notification.get_absolute_url())
    assert olu_page.status_code == 200
    assert f"Transferred from {llr.short_name} to Demo Shire" in olu_page.text
    assert notification.reference in client_for(olu).get("/staff/notifications/").text


def test_a_reason_is_needed(llr, other_area, client_for, alice):
    notification = NotificationFactory(area=llr)

    page = client_for(alice).post(inside_url(notification), {"to_area": other_area.pk})

    assert page.status_code == 400
    assert "Enter why the notification belongs to that area" in page.text
    notification.refresh_from_db()
    assert notification.area == llr
    assert not TransferRecord.objects.exists()
    assert not mail.outbox


def test_the_area_must_be_another_one(llr, other_area, client_for, alice):
    notification = NotificationFactory(area=llr)

    page = client_for(alice).post(inside_url(notification), {"to_area": llr.pk, "reason": "x"})

    assert page.status_code == 400
    assert "Choose one of the areas listed" in page.text
    notification.refresh_from_db()
    assert notification.area == llr


def test_only_a_new_notification_moves(llr, other_area, client_for, alice):
    notification = NotificationFactory(area=llr, status=Notification.Status.CASE_OPENED)

    page = client_for(alice).post(
        inside_url(notification), {"to_area": other_area.pk, "reason": "x"}
    )

    assert page.status_code == 400
    assert "has already been dealt with (case opened)" in page.text
    notification.refresh_from_db()
    assert notification.area == llr


def test_kim_the_key_worker_cannot_transfer(llr, other_area, client_for, kim):
    notification = NotificationFactory(area=llr)
    client = client_for(kim)

    response = client.post(inside_url(notification), {"to_area": other_area.pk, "reason": "x"})

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.area == llr


@pytest.mark.parametrize("persona", ["pat", "olu"])
def test_others_get_404(llr, other_area, client_for, request, persona):
    notification = NotificationFactory(area=llr)

    response = client_for(request.getfixturevalue(persona)).post(
        inside_url(notification), {"to_area": other_area.pk, "reason": "x"}
    )

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.area == llr
