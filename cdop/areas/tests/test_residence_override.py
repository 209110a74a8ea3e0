"""Staff overrule the postcode's decision, with a reason, and the audit log names them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.http import Http404
from django.test import Client

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.areas.residence import residence_override
from cdop.core.errors import DomainError
from cdop.core.tests.factories import NotificationFactory
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus


@pytest.fixture
def notification(llr: Area) -> Notification:
    return NotificationFactory(
        area=llr, child_postcode="LE12 6AA", residence_status=ResidenceStatus.UNKNOWN
    )


def url(notification: Notification) -> str:
    return f"/staff/notifications/{notification.reference}/residence/"


def test_a_manager_overrides_with_a_reason_and_the_audit_log_names_her(
    alice: User, notification: Notification, other_area: Area
) -> None:
    result = residence_override(
        notification=notification,
        status=ResidenceStatus.OTHER_AREA,
        area=other_area,
        reason="  Looked-after child placed in Demo Shire.  ",
        by=alice,
    )
    notification.refresh_from_db()
    assert result.pk == notification.pk
    assert notification.residence_status == ResidenceStatus.OTHER_AREA
    assert notification.residence_area == other_area
    assert notification.residence_overridden_by == alice
    assert notification.residence_override_reason == "Looked-after child placed in Demo Shire."
    entry = LogEntry.objects.get_for_object(notification).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == alice
    assert entry.changes_dict["residence_status"] == ["unknown", "other_area"]


def test_this_area_sets_the_receiving_area_and_outside_england_sets_none(
    alice: User, notification: Notification, llr: Area, other_area: Area
) -> None:
    residence_override(
        notification=notification,
        status=ResidenceStatus.THIS_AREA,
        area=None,
        reason="Moved to Leicester last week.",
        by=alice,
    )
    notification.refresh_from_db()
    assert notification.residence_area == llr
    residence_override(
        notification=notification,
        status=ResidenceStatus.NOT_ENGLAND,
        area=other_area,
        reason="Family lives in Cardiff.",
        by=alice,
    )
    notification.refresh_from_db()
    assert (notification.residence_status, notification.residence_area) == ("not_england", None)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(alice: User, notification: Notification, reason: str) -> None:
    with pytest.raises(DomainError, match="Enter why") as error:
        residence_override(
            notification=notification,
            status=ResidenceStatus.THIS_AREA,
            area=None,
            reason=reason,
            by=alice,
        )
    assert error.value.field == "reason"
    notification.refresh_from_db()
    assert notification.residence_status == ResidenceStatus.UNKNOWN
    assert notification.residence_overridden_by is None


def test_another_area_cannot_be_this_area(
    alice: User, notification: Notification, llr: Area
) -> None:
    with pytest.raises(DomainError, match="is this area"):
        residence_override(
            notification=notification,
            status=ResidenceStatus.OTHER_AREA,
            area=llr,
            reason="Mistake.",
            by=alice,
        )


def test_someone_from_another_area_gets_404_and_a_key_worker_is_refused(
    olu: User, kim: User, notification: Notification
) -> None:
    for user, error in ((olu, Http404), (kim, Http404)):
        with pytest.raises(error):
            residence_override(
                notification=notification,
                status=ResidenceStatus.THIS_AREA,
                area=None,
                reason="Trying.",
                by=user,
            )
    notification.refresh_from_db()
    assert notification.residence_overridden_by is None


# --- The page ------------------------------------------------------------------------------


def test_the_page_shows_what_the_postcode_says_and_the_four_choices(
    client_for: Callable[[User], Client], alice: User, notification: Notification
) -> None:
    response = client_for(alice).get(url(notification))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Change where the child lived" in body
    for value in ResidenceStatus.values:
        assert f'value="{value}"' in body
    assert "Demo Shire" not in body  # no other area on this system yet
    assert "What the postcode says" in body


def test_saving_redirects_to_the_notification_with_a_message(
    client_for: Callable[[User], Client],
    alice: User,
    notification: Notification,
    other_area: Area,
) -> None:
    client = client_for(alice)
    response = client.post(
        url(notification),
        {"status": "other_area", "area": other_area.pk, "reason": "Placed in Demo Shire."},
        follow=True,
    )
    assert response.redirect_chain[0] == (notification.get_absolute_url(), 302)
    assert "Where the child lived is now: Resident in another English area." in (
        response.content.decode()
    )
    notification.refresh_from_db()
    assert notification.residence_area == other_area
    assert notification.residence_overridden_by == alice


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "this_area", "reason": ""}, "Enter why you are changing where the child"),
        ({"reason": "Because."}, "Select where the child lived"),
        ({"status": "nowhere", "reason": "Because."}, "Select a valid choice"),
    ],
)
def test_a_form_with_errors_is_shown_again_with_400(
    client_for: Callable[[User], Client],
    alice: User,
    notification: Notification,
    data: dict[str, str],
    message: str,
) -> None:
    response = client_for(alice).post(url(notification), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    notification.refresh_from_db()
    assert notification.residence_overridden_by is None


def test_the_page_is_404_for_another_area_and_403_for_a_key_worker(
    client_for: Callable[[User], Client], olu: User, kim: User, notification: Notification
) -> None:
    assert client_for(olu).get(url(notification)).status_code == 404
    assert (
        client_for(olu).post(url(notification), {"status": "this_area", "reason": "x"}).status_code
        == 404
    )
    assert client_for(kim).get(url(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.residence_overridden_by is None


def test_signed_out_visitors_are_sent_to_sign_in(
    client: Client, notification: Notification
) -> None:
    response = client.get(url(notification))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
