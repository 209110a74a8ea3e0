"""The allauth pages render as GOV.UK pages of the service (test client, no browser)."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from cdop.accounts.models import Role
from cdop.areas.models import Area
from conftest import give_totp, make_persona

PASSWORD = "correct-horse-battery-staple"

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _assert_govuk_page(html: str, heading: str) -> None:
    assert 'class="govuk-template' in html
    assert "govuk-frontend.min.css" in html
    h1 = r'<h1 class="govuk-(heading-l|panel__title)">\s*' + re.escape(heading)
    assert re.search(h1, html), f"no GOV.UK h1 {heading!r}"
    assert "signup" not in html.lower()
    assert "sign up" not in html.lower()


def _llr() -> Area:
    return Area.objects.get(slug="llr")


def test_sign_in_page() -> None:
    response = Client().get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    _assert_govuk_page(html, "Sign in")
    assert "<title>Sign in – " in html
    assert 'class="govuk-input' in html
    assert "placeholder" not in html


def test_sign_in_error_shows_summary_and_error_title() -> None:
    response = Client().post("/accounts/login/", {"login": "", "password": ""})
    html = response.content.decode()
    assert "<title>Error: Sign in – " in html
    assert "govuk-error-summary" in html
    assert 'href="#id_login"' in html
    assert "govuk-input--error" in html


def test_wrong_password_is_an_error() -> None:
    make_persona("alice@llr.invalid", "Alice Manager", _llr(), Role.CDR_MANAGER)
    response = Client().post(
        "/accounts/login/", {"login": "alice@llr.invalid", "password": "not-the-password"}
    )
    html = response.content.decode()
    assert "<title>Error: Sign in – " in html
    assert "govuk-error-summary" in html


def test_first_sign_in_leads_to_authenticator_set_up_then_recovery_codes() -> None:
    make_persona("alice@llr.invalid", "Alice Manager", _llr(), Role.CDR_MANAGER)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "alice@llr.invalid", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    if response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/"):
        # allauth asks for the password again before a second factor is added.
        _assert_govuk_page(html, "Confirm it")
        assert "You need to set up a second way to prove it" in html
        response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
        html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/totp/activate/")
    _assert_govuk_page(html, "Set up your authenticator app")
    assert "You need to set up a second way to prove it" in html
    assert 'src="data:image/svg+xml;base64,' in html
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', html)
    assert secret is not None

    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    wrong_html = wrong.content.decode()
    assert "<title>Error: Set up your authenticator app" in wrong_html
    assert 'href="#id_code"' in wrong_html

    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": _code(secret.group(1))}, follow=True
    )
    html = response.content.decode()
    _assert_govuk_page(html, "Save your recovery codes")
    assert html.count("<li>") >= 10
    # With a second factor the staff pages open.
    assert client.get("/staff/").status_code == 200


def test_mfa_step_and_manage_pages() -> None:
    user = make_persona("alice@llr.invalid", "Alice Manager", _llr(), Role.CDR_MANAGER)
    secret = give_totp(user)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "alice@llr.invalid", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    _assert_govuk_page(html, "Enter the code from your authenticator app")
    bad = client.post("/accounts/2fa/authenticate/", {"code": "123"})
    assert "<title>Error: Enter the code" in bad.content.decode()
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"

    for url in ("/accounts/reauthenticate/", "/accounts/2fa/reauthenticate/"):
        response = client.get(url)
        _assert_govuk_page(response.content.decode(), "Confirm it")
    wrong = client.post("/accounts/reauthenticate/", {"password": "wrong"})
    assert "<title>Error: Confirm it" in wrong.content.decode()
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    pages = {
        "/accounts/logout/": "Are you sure you want to sign out?",
        "/accounts/2fa/": "How you prove it",
        "/accounts/2fa/recovery-codes/generate/": "Make new recovery codes",
        "/accounts/2fa/totp/deactivate/": "Replace your authenticator app",
        "/accounts/password/change/": "Change your password",
    }
    for url, heading in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_govuk_page(response.content.decode(), heading)
    response = client.post("/accounts/2fa/recovery-codes/generate/", follow=True)
    _assert_govuk_page(response.content.decode(), "Save your recovery codes")
    download = client.get("/accounts/2fa/recovery-codes/download/")
    assert download.status_code == 200


def test_public_account_pages() -> None:
    client = Client()
    pages = {
        "/accounts/password/reset/": "Reset your password",
        "/accounts/password/reset/done/": "Check your email",
        "/accounts/password/reset/key/1-x/": "This link has expired or been used",
        "/accounts/signup/": "You cannot create an account here",
        "/accounts/inactive/": "Your account has been switched off",
    }
    for url, heading in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        _assert_govuk_page(response.content.decode(), heading)
    response = client.post("/accounts/password/reset/", {"email": ""})
    assert "<title>Error: Reset your password" in response.content.decode()
