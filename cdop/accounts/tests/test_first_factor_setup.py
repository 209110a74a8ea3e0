from __future__ import annotations

import datetime
import time

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.db import transaction
from django.test import Client

from cdop.core.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
SETUP = "/accounts/2fa/totp/activate/"


def sign_in(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def newcomer(llr):
    """A CDR manager signing in for the first time: no second factor yet."""
    user = UserFactory(email="newcomer@llr.invalid", full_name="Nia Newcomer")
    MembershipFactory(user=user, area=llr)
    return user


def test_a_newcomer_goes_from_sign_in_straight_to_setting_up_the_app(newcomer):
    client = Client()
    sign_in(client, newcomer.email)

    response = client.get("/staff/cases/")
    assert response["Location"] == f"{SETUP}?next=/staff/cases/"
    setup = client.get(response["Location"])

    assert setup.status_code == 200  # no second password prompt minutes after the first


def test_the_password_is_asked_again_if_the_sign_in_was_long_ago(newcomer):
    client = Client()
    signed_in_at = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(signed_in_at, tick=False):
        sign_in(client, newcomer.email)
    with time_machine.travel(signed_in_at + datetime.timedelta(minutes=10), tick=False):
        response = client.get(SETUP)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_replacing_an_existing_app_still_asks_for_the_password(alice):
    client = Client()
    client.force_login(alice, backend="allauth.account.auth_backends.AuthenticationBackend")

    response = client.get("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]


def test_the_design_systems_font_requests_reach_the_fonts():
    response = Client().get("/assets/fonts/light-94a07e06a1-v2.woff2")

    assert response.status_code == 301
    assert response["Location"] == "/static/govuk/assets/fonts/light-94a07e06a1-v2.woff2"


@pytest.fixture
def commit_callbacks_at_once(monkeypatch):
    """allauth adds its messages once the transaction commits; the test's own transaction
    never does, so the callbacks run at once, still within the request as they would."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def totp_value(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _banners(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_setting_up_the_first_app_shows_one_message_and_does_not_speak_of_old_codes(
    newcomer, commit_callbacks_at_once
):
    client = Client()
    sign_in(client, newcomer.email)
    setup = client.get(SETUP)
    secret = setup.context["form"].secret

    response = client.post(SETUP, {"code": totp_value(secret)}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/2fa/recovery-codes/"
    assert _banners(response) == ["Your authenticator app is set up."]
    assert "The old codes no longer work" not in response.text


def test_making_a_new_set_of_codes_says_the_old_ones_no_longer_work(
    newcomer, commit_callbacks_at_once
):
    client = Client()
    sign_in(client, newcomer.email)
    secret = client.get(SETUP).context["form"].secret
    client.post(SETUP, {"code": totp_value(secret)}, follow=True)  # its message is shown

    response = client.post("/accounts/2fa/recovery-codes/generate/", follow=True)

    assert _banners(response) == [
        "You have a new set of recovery codes. The old codes no longer work."
    ]
