from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cdop.core.tests.factories import CaseFactory
from cdop.securelinks.models import SecureLink
from cdop.securelinks.selectors import securelink_status
from cdop.securelinks.tests.factories import family_link_make

CODE_URL = "/link/code/"


def land_with_code(llr, alice) -> tuple[Client, str, str]:  # type: ignore[no-untyped-def]
    token, _ = family_link_make(case=CaseFactory(area=llr), by=alice, otp_required=True)
    client = Client()
    response = client.get(reverse("securelinks:land", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("securelinks:code")
    [email] = mail.outbox
    assert email.to == ["family@example.invalid"]
    match = re.search(r"\b(\d{6})\b", email.body)
    assert match is not None
    return client, match.group(1), token


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_link_with_a_code_opens_only_after_the_right_code(llr, alice) -> None:
    client, code, _ = land_with_code(llr, alice)
    assert client.get(reverse("familyvoice_public:start")).status_code == 404
    page = client.get(CODE_URL)
    assert page.status_code == 200
    assert b"Enter the security code" in page.content
    response = client.post(CODE_URL, {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("familyvoice_public:start")
    assert client.get(reverse("familyvoice_public:start")).status_code == 200
    link = SecureLink.objects.get()
    assert link.open_count == 1
    assert link.otp_hash == ""  # a code works once


def test_the_code_is_not_stored_as_typed(llr, alice) -> None:
    _, code, _ = land_with_code(llr, alice)
    link = SecureLink.objects.get()
    assert link.otp_hash
    assert code not in link.otp_hash
    assert link.otp_expires_at is not None


def test_a_wrong_code_says_how_many_tries_are_left(llr, alice) -> None:
    client, code, _ = land_with_code(llr, alice)
    response = client.post(CODE_URL, {"code": wrong(code)})
    assert response.status_code == 400
    assert b"The security code is not right" in response.content
    assert b"4 tries left" in response.content
    assert SecureLink.objects.get().otp_attempts == 1


def test_five_wrong_codes_lock_the_link_until_the_team_sends_a_new_one(llr, alice) -> None:
    client, code, token = land_with_code(llr, alice)
    for _ in range(4):
        assert client.post(CODE_URL, {"code": wrong(code)}).status_code == 400
    locked = client.post(CODE_URL, {"code": wrong(code)})
    assert locked.status_code == 403
    assert b"This link is locked" in locked.content
    link = SecureLink.objects.get()
    assert securelink_status(link=link) == "locked"
    assert client.post(CODE_URL, {"code": code}).status_code == 404  # the right one, too late
    assert Client().get(reverse("securelinks:land", args=[token])).status_code == 404


def test_an_expired_code_is_refused_and_a_new_one_can_be_sent(llr, alice) -> None:
    client, code, _ = land_with_code(llr, alice)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        response = client.post(CODE_URL, {"code": code})
        assert response.status_code == 400
        assert b"The security code has expired" in response.content
        assert SecureLink.objects.get().otp_attempts == 0  # an old code is not a guess
        assert client.post(reverse("securelinks:code_resend")).status_code == 302
        assert len(mail.outbox) == 2
        new = re.search(r"\b(\d{6})\b", mail.outbox[1].body).group(1)  # type: ignore[union-attr]
        assert client.post(CODE_URL, {"code": new}).status_code == 302


def test_a_new_code_is_not_sent_twice_within_a_minute(llr, alice) -> None:
    client, _, _ = land_with_code(llr, alice)
    client.post(reverse("securelinks:code_resend"))
    assert len(mail.outbox) == 1
    assert b"We have sent a new code" in client.get(CODE_URL).content


def test_opening_the_link_again_does_not_send_another_live_code(llr, alice) -> None:
    _, _, token = land_with_code(llr, alice)
    Client().get(reverse("securelinks:land", args=[token]))
    assert len(mail.outbox) == 1


def test_a_code_that_is_not_six_numbers_is_explained(llr, alice) -> None:
    client, _, _ = land_with_code(llr, alice)
    for typed, message in (
        ("", b"Enter the 6-digit security code from the email"),
        ("12ab56", b"The security code must be 6 numbers, like 123456"),
        ("1234567", b"The security code must be 6 numbers, like 123456"),
    ):
        response = client.post(CODE_URL, {"code": typed})
        assert response.status_code == 400
        assert message in response.content
    assert SecureLink.objects.get().otp_attempts == 0


def test_the_code_page_without_a_link_says_the_link_does_not_work(db) -> None:
    assert Client().get(CODE_URL).status_code == 404
    assert Client().post(reverse("securelinks:code_resend")).status_code == 404


@pytest.mark.usefixtures("one_rate_window")
def test_typing_codes_is_rate_limited_per_address(llr, alice, settings) -> None:
    settings.SECURE_LINK_CODE_RATE_LIMIT = "2/m"
    client, code, _ = land_with_code(llr, alice)
    client.post(CODE_URL, {"code": wrong(code)})
    client.post(CODE_URL, {"code": wrong(code)})
    assert client.post(CODE_URL, {"code": code}).status_code == 429
    assert SecureLink.objects.get().otp_attempts == 2
