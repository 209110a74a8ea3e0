"""The case page lists every notification of the death, so every notifier stays reachable."""

from __future__ import annotations

import pytest

from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_case_page_lists_each_notifier_with_their_contact_details(llr, client_for, kim):
    case = CaseFactory(area=llr, key_worker=kim)
    for n, name in enumerate(["Nia Nurse", "Paul Police"]):
        NotificationFactory(
            area=llr,
            case=case,
            status=Notification.Status.ADDED_TO_CASE,
            notifier_name=name,
            notifier_email=f"notifier{n}@example.invalid",
            notifier_phone=f"0116 496 000{n}",
        )
    NotificationFactory(area=llr, notifier_name="Unrelated Notifier")

    page = client_for(kim).get(f"/staff/cases/{case.reference}/section/notifications/")

    assert page.status_code == 200
    for text in ("Nia Nurse", "Paul Police", "notifier1@example.invalid", "0116 496 0000"):
        assert text in page.text
    assert "Unrelated Notifier" not in page.text


def test_a_case_without_notifications_says_so(llr, client_for, alice):
    case = CaseFactory(area=llr)

    page = client_for(alice).get(f"/staff/cases/{case.reference}/section/notifications/")

    assert "No notification is linked to this case." in page.text
