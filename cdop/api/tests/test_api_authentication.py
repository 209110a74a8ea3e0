"""Only a registered system, with its current token, reaches the API; nothing else does."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cdop.api.tests.conftest import api_payload
from cdop.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def test_without_a_token_the_api_answers_401_and_says_how_to_send_one(api_post):
    response = api_post(api_payload())

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]
    assert not Notification.objects.exists()


def test_a_wrong_token_is_refused(api_post, royal):
    response = api_post(api_payload(), token=royal.token + "x")

    assert response.status_code == 401
    assert "not recognised" in response.json()["detail"]


def test_a_token_in_another_scheme_is_refused(royal):
    response = Client().post(
        "/api/v1/notifications/",
        api_payload(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {royal.token}",
    )

    assert response.status_code == 401


def test_a_revoked_token_is_refused(api_post, retired):
    response = api_post(api_payload(), token=retired.token)

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert not Notification.objects.exists()


def test_a_signed_in_member_of_staff_gets_nothing_from_the_api(client_for, alice, llr):
    browser = client_for(alice)

    response = browser.post(
        "/api/v1/notifications/", api_payload(), content_type="application/json"
    )

    assert response.status_code == 401


def test_no_csrf_token_is_needed_with_a_bearer_token(royal):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        "/api/v1/notifications/",
        api_payload(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {royal.token}",
    )

    assert response.status_code == 201


def test_use_is_noted_at_most_once_a_minute(api_post, royal):
    api_post(api_payload(), token=royal.token)
    royal.client.refresh_from_db()
    first = royal.client.last_used_at
    assert first is not None

    api_post(api_payload(), token=royal.token)
    royal.client.refresh_from_db()
    assert royal.client.last_used_at == first

    earlier = timezone.now() - datetime.timedelta(minutes=2)
    type(royal.client).objects.filter(pk=royal.client.pk).update(last_used_at=earlier)
    api_post(api_payload(), token=royal.token)
    royal.client.refresh_from_db()
    assert royal.client.last_used_at > earlier
