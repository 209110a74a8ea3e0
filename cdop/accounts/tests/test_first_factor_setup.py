from __future__ import annotations

import datetime

import pytest
import time_machine
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
