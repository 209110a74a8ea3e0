"""Each system may make so many requests a minute, and an address that keeps sending wrong
tokens is stopped for a while."""

from __future__ import annotations

import pytest

from cdop.api.tests.conftest import api_payload
from cdop.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "one_rate_window")]


@pytest.fixture
def rates(settings):
    def set_rates(**rates: str) -> None:
        current = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **current,
            "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


def test_a_client_over_its_rate_gets_429_with_retry_after(api_post, royal, elsewhere, rates):
    rates(api_client="2/minute")

    first = api_post(api_payload(), token=royal.token)
    second = api_post(api_payload(), token=royal.token)
    third = api_post(api_payload(), token=royal.token)
    other_system = api_post(api_payload(), token=elsewhere.token)

    assert (first.status_code, second.status_code) == (201, 201)
    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    assert third.json()["detail"].startswith("Too many requests. Wait")
    assert other_system.status_code == 201  # counted per client
    assert Notification.objects.count() == 3


def test_an_address_sending_wrong_tokens_is_stopped_even_with_a_right_one(api_post, royal, rates):
    rates(api_auth_failure="3/minute")

    wrong = [api_post(api_payload(), token="cdop_guess" + str(n)) for n in range(3)]
    blocked = api_post(api_payload(), token=royal.token)
    from_elsewhere = api_post(api_payload(), token=royal.token, REMOTE_ADDR="192.0.2.99")

    assert [r.status_code for r in wrong] == [401, 401, 401]
    assert blocked.status_code == 429
    assert from_elsewhere.status_code == 201


def test_a_forwarded_for_header_does_not_reset_the_count(api_post, royal, rates):
    rates(api_auth_failure="2/minute")

    for n in range(2):
        api_post(api_payload(), token="cdop_guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = api_post(api_payload(), token=royal.token, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
