"""Guessing is stopped: wrong second-factor codes, many accounts tried from one address,
and wrong secure-link tokens. (Wrong passwords locking the account are tested in
cdop/accounts/tests/test_sign_in_security.py; the one-time code's five tries and its rate
in cdop/securelinks/tests/test_one_time_code.py; transfer-pack and API tokens in
cdop/transfers and cdop/api.) These use the limits as configured, not test values."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.test import Client

from cdop.accounts.models import Role, User
from cdop.core.ratelimit import rate_parse
from cdop.core.tests.factories import CaseFactory, MembershipFactory, UserFactory
from cdop.securelinks.tests.factories import agency_link_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "one_rate_window")]

PASSWORD = "correct-horse-battery-staple"  # the factories' password
MFA = "/accounts/2fa/authenticate/"


def staff_with_secret(llr: Any, email: str = "gill@llr.invalid") -> tuple[User, str]:
    user = UserFactory(email=email, full_name="Gill Guessed")
    MembershipFactory(user=user, area=llr, role=Role.CDR_MANAGER)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def right_code(secret: str) -> str:
    counter = list(yield_hotp_counters_from_time())[1]  # now, not the tolerated neighbours
    return format_hotp_value(hotp_value(secret, counter))


def wrong_code(secret: str) -> str:
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def login_failed_limit() -> int:
    """The smaller of allauth's per-address and per-account limits on failed attempts."""
    rates = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    return min(int(rate.split("/")[0]) for rate in rates)


def test_wrong_second_factor_codes_are_limited_and_then_even_the_right_code_fails(llr):
    user, secret = staff_with_secret(llr)
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == MFA
    limit = login_failed_limit()

    for _ in range(limit):
        wrong = client.post(MFA, {"code": wrong_code(secret)})
        assert wrong.status_code == 200
        assert "Incorrect code" in wrong.text
        assert not signed_in(client)

    # Over the limit: the right code is refused too, so guessing gains nothing.
    right = client.post(MFA, {"code": right_code(secret)})
    assert not signed_in(client)
    assert right.status_code in (200, 429)
    assert "Too many failed" in right.text
    assert client.get("/staff/").status_code == 302


def test_a_million_codes_cannot_be_tried_in_a_working_day(llr):
    """The arithmetic the limit gives: at most `limit` guesses per five minutes per account
    against a code space of 10^6 with three codes live at a time."""
    rates = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    per_key = next(r for r in rates if r.endswith("/key"))
    amount, period = per_key.split("/")[:2]
    seconds = {"m": 60, "5m": 300, "h": 3600}.get(period) or int(period.rstrip("s"))
    guesses_per_day = int(amount) * 86_400 // seconds
    chance_per_day = guesses_per_day * 3 / 1_000_000

    assert chance_per_day < 0.02  # under 2% a day; the password must be known first


def test_many_accounts_tried_from_one_address_are_stopped(llr):
    """Credential stuffing: the failures count per address across accounts, so after the
    limit even a right password from that address does not get through."""
    user, _ = staff_with_secret(llr)
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(login_failed_limit()):
        attacker.post(
            "/accounts/login/", {"login": f"guess{n}@llr.invalid", "password": "Winter2026!"}
        )

    stopped = attacker.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert stopped.status_code in (200, 429)
    assert stopped.get("Location") != MFA
    colleague = Client(REMOTE_ADDR="198.51.100.8")
    allowed = colleague.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert allowed["Location"] == MFA


def _landing_limit() -> int:
    return rate_parse(str(settings.SECURE_LINK_RATE_LIMIT))[0]


def test_guessing_agency_link_tokens_is_stopped_and_then_the_right_token_is_refused(llr, alice):
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    guesser = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(_landing_limit()):
        assert guesser.get(f"/link/guess-{n:04d}-{'x' * 30}/").status_code == 404

    over = guesser.get(f"/link/{token}/")

    assert over.status_code == 429
    assert "securelink_id" not in guesser.session
    assert guesser.get("/reporting-form/").status_code == 404
    # The holder, from their own address, is not locked out by the guesser.
    holder = Client(REMOTE_ADDR="203.0.113.51")
    assert holder.get(f"/link/{token}/").status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_link_limit(llr, alice):
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    guesser = Client(REMOTE_ADDR="203.0.113.60")
    for n in range(_landing_limit()):
        guesser.get(f"/link/guess-{n}/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n % 250}")

    over = guesser.get(f"/link/{token}/", HTTP_X_FORWARDED_FOR="192.0.2.251")

    assert over.status_code == 429


def test_a_fresh_browser_session_does_not_reset_the_link_limit(llr, alice):
    """The count is by address, not by session: throwing the cookie away does not help."""
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    for n in range(_landing_limit()):
        Client(REMOTE_ADDR="203.0.113.70").get(f"/link/guess-{n}/")

    assert Client(REMOTE_ADDR="203.0.113.70").get(f"/link/{token}/").status_code == 429
