"""Signing in: wrong passwords lock the account, idle sessions end, and nobody signs up."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cdop.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery-staple"  # the factories' password


def sign_in(client: Client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_leads_on_to_the_second_factor(alice):
    response = Client(raise_request_exception=False).post(
        LOGIN, {"login": alice.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_the_right_password_alone_does_not_sign_in_without_the_second_factor(alice):
    client = Client()

    response = sign_in(client, alice.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    assert client.get("/staff/").status_code == 302


def test_a_wrong_password_is_refused_without_saying_whether_the_account_exists(alice):
    wrong = sign_in(Client(), alice.email, "wrong")
    unknown = sign_in(Client(), "nobody@llr.invalid", "wrong")

    assert wrong.status_code == unknown.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in wrong.text
    assert message in unknown.text


def test_five_wrong_passwords_lock_the_account(alice):
    client = Client()

    responses = [sign_in(client, alice.email, "wrong") for _ in range(5)]

    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    assert "Your account is locked for now" in responses[4].text
    assert not signed_in(client)


def test_once_locked_even_the_right_password_does_not_sign_in(alice):
    client = Client()
    for _ in range(5):
        sign_in(client, alice.email, "wrong")

    response = sign_in(client, alice.email, PASSWORD)

    assert response.status_code in (200, 403, 429)
    assert "Location" not in response  # not sent on to the second factor
    assert not signed_in(client)
    assert "mfa_login" not in str(dict(client.session))


def test_once_locked_the_right_password_gets_the_lockout_page(alice):
    client = Client()
    for _ in range(5):
        sign_in(client, alice.email, "wrong")

    response = sign_in(client, alice.email, PASSWORD)

    assert response.status_code == 429
    assert "Your account is locked for now" in response.text


def test_the_lockout_counts_the_address_however_it_is_typed(alice):
    client = Client()
    for typed in (
        "ALICE@llr.invalid",
        " alice@LLR.invalid",
        "alice@llr.invalid",
        "Alice@Llr.Invalid",
    ):
        sign_in(client, typed, "wrong")

    response = sign_in(client, "alice@llr.invalid ", "wrong")

    assert response.status_code == 429


def test_one_persons_lockout_does_not_lock_a_colleague_at_the_same_address(alice, ada):
    client = Client()
    for _ in range(5):
        sign_in(client, alice.email, "wrong")

    response = sign_in(Client(), ada.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_the_lockout_ends_after_the_cool_off_time(alice, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            sign_in(Client(), alice.email, "wrong")
        traveller.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1))

        response = sign_in(Client(), alice.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(client_for, alice, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(alice)
        assert client.get("/staff/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=30))

        response = client.get("/staff/cases/")
        login_page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/cases/"
    assert not signed_in(client)
    assert (
        f"You were signed out because you had not used the service for "
        f"{settings.SESSION_IDLE_MINUTES} minutes"
    ) in login_page.text


def test_an_idle_session_on_the_staff_api_gets_a_401_it_can_read_not_the_sign_in_page(
    client_for, alice, settings
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(alice)
        assert client.get("/api/staff/v1/cases/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=30))

        response = client.get("/api/staff/v1/cases/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "personal access token" in response.json()["detail"]
    assert not signed_in(client)


def test_using_the_service_within_the_limit_keeps_the_session(client_for, alice, settings):
    step = datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 5)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(alice)
        client.get("/staff/")
        for _ in range(4):  # well past the limit in total, never idle for that long
            traveller.shift(step)
            assert client.get("/staff/").status_code == 200

    assert signed_in(client)


def test_the_idle_limit_is_configurable(client_for, alice, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(alice)
        client.get("/staff/")
        traveller.shift(datetime.timedelta(minutes=6))

        response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_session_ends_when_the_browser_closes(client_for, alice, settings):
    client = client_for(alice)

    response = client.get("/staff/")

    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    cookie = (
        response.cookies.get(settings.SESSION_COOKIE_NAME)
        or client.cookies[settings.SESSION_COOKIE_NAME]
    )
    assert not cookie["expires"]
    assert not cookie["max-age"]
    assert cookie["httponly"]


def test_nobody_can_sign_themselves_up(db):
    page = Client().get("/accounts/signup/")
    attempt = Client().post(
        "/accounts/signup/",
        {
            "email": "eve@evil.invalid",
            "password1": "aVeryLongPass-123",
            "password2": "aVeryLongPass-123",
        },
    )

    assert page.status_code == 200
    assert "You cannot create an account here" in page.text
    assert attempt.status_code == 200
    assert "You cannot create an account here" in attempt.text
    assert not User.objects.filter(email="eve@evil.invalid").exists()
    assert not signed_in(Client())


def test_signing_out_ends_the_session(client_for, alice):
    client = client_for(alice)

    client.post("/accounts/logout/")

    assert not signed_in(client)
    assert client.get("/staff/").status_code == 302
