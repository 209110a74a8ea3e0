from __future__ import annotations

import datetime
import hashlib
import logging

import pytest
import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cdop.core.tests.factories import CaseFactory
from cdop.securelinks import services
from cdop.securelinks.decorators import SESSION_LINK
from cdop.securelinks.models import SecureLink
from cdop.securelinks.tests.factories import agency_link_make, family_link_make
from cdop.securelinks.tests.helpers import shape


def land(client: Client, token: str):  # type: ignore[no-untyped-def]
    return client.get(reverse("securelinks:land", args=[token]))


def test_a_working_link_opens_its_request_and_takes_the_token_out_of_the_address(
    llr, alice
) -> None:
    token, form_request = agency_link_make(case=CaseFactory(area=llr), by=alice)
    client = Client()
    client.get("/")  # a session before the link: its key must change
    before = client.session.session_key
    response = land(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("securelinks_test:agency")
    assert token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert client.session.session_key != before
    link = SecureLink.objects.get()
    assert client.session[SESSION_LINK] == link.pk
    page = client.get(response["Location"])
    assert page.content.decode() == f"agency page for request {form_request.pk}"
    # Pages with forms send the referrer to this site only: under "no-referrer" a browser
    # posts `Origin: null`, which the CSRF check refuses.
    assert page["Referrer-Policy"] == "same-origin"


def test_only_the_hash_of_the_token_is_stored(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    link = SecureLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 32 random bytes
    assert not SecureLink.objects.filter(token_hash=token).exists()


def test_every_opening_is_counted_and_audited_with_the_address(llr, alice) -> None:
    token, form_request = agency_link_make(case=CaseFactory(area=llr), by=alice)
    client = Client(REMOTE_ADDR="192.0.2.44")
    land(client, token)
    land(Client(REMOTE_ADDR="192.0.2.45"), token)
    link = SecureLink.objects.get()
    assert link.open_count == 2
    assert link.last_opened_at is not None
    opens = LogEntry.objects.get_for_object(link).filter(action=LogEntry.Action.ACCESS)
    assert sorted(opens.values_list("remote_addr", flat=True)) == ["192.0.2.44", "192.0.2.45"]
    assert opens.first().additional_data == {"area_id": llr.pk}  # type: ignore[union-attr]
    form_request.refresh_from_db()
    assert form_request.first_opened_at is not None


def test_the_audit_log_never_holds_the_token_or_its_hash(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    link = SecureLink.objects.get()
    for entry in LogEntry.objects.get_for_object(link):
        assert token not in str(entry.changes)
        assert link.token_hash not in str(entry.changes)


def _refused_shapes(llr, alice) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    case = CaseFactory(area=llr)
    tokens: dict[str, str] = {}
    tokens["forged"] = "x" * 43
    real, _ = agency_link_make(case=case, by=alice)
    tokens["truncated"] = real[:-1]
    tokens["padded"] = real + "A"
    revoked, _ = family_link_make(case=case, by=alice)
    family_link = SecureLink.objects.get(family_voice_request__isnull=False)
    services.securelink_revoke(link=family_link, by=alice)
    tokens["revoked"] = revoked
    used, fr = agency_link_make(case=case, by=alice)
    services.securelink_mark_used(link=SecureLink.objects.get(form_request=fr))
    tokens["used"] = used
    locked, fr2 = agency_link_make(case=case, by=alice)
    SecureLink.objects.filter(form_request=fr2).update(otp_attempts=5)
    tokens["locked"] = locked
    expired, fr3 = agency_link_make(case=case, by=alice)
    SecureLink.objects.filter(form_request=fr3).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    tokens["expired"] = expired
    tokens["long"] = "y" * 500
    shapes = {}
    for name, token in tokens.items():
        response = land(Client(), token)
        assert response.status_code == 404, name
        assert response["Referrer-Policy"] == "no-referrer", name
        assert b"This link does not work" in response.content
        shapes[name] = shape(response.content)
    return shapes


def test_every_refused_token_gets_the_same_page_byte_for_byte(llr, alice) -> None:
    shapes = _refused_shapes(llr, alice)
    assert len(set(shapes.values())) == 1, shapes.keys()


def test_a_link_that_expires_stops_working(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    assert land(Client(), token).status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert land(Client(), token).status_code == 404


def test_links_last_30_days_for_agencies_and_90_for_families(llr, alice) -> None:
    now = timezone.now()
    agency = services.securelink_expiry(purpose="agency_form", now=now)
    family = services.securelink_expiry(purpose="family_voice", now=now)
    assert agency - now == datetime.timedelta(days=30)
    assert family - now == datetime.timedelta(days=90)


def test_every_token_check_does_one_constant_time_comparison(
    llr, alice, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    calls: list[tuple[str, str]] = []
    real = services.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(services.hmac, "compare_digest", spy)
    assert services.securelink_check(token=token) is not None
    assert services.securelink_check(token="never-issued") is None
    assert len(calls) == 2  # a miss compares against a dummy, as a hit does


def test_a_refused_token_is_logged_without_the_token(llr, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="cdop.security"):
        land(Client(REMOTE_ADDR="198.51.100.7"), "guessed-token-value")
    # (Django's own 404 log names the path: a token that does not work opens nothing.)
    [record] = [r for r in caplog.records if r.name == "cdop.security"]
    assert "Secure link refused" in record.getMessage()
    assert "198.51.100.7" in record.getMessage()
    assert "guessed-token-value" not in record.getMessage()


@pytest.mark.usefixtures("one_rate_window")
def test_the_landing_page_is_rate_limited_per_address(llr, alice, settings) -> None:
    settings.SECURE_LINK_RATE_LIMIT = "3/m"
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert land(guesser, "guess").status_code == 404
    assert land(guesser, token).status_code == 429  # even a right token, once over
    assert land(Client(REMOTE_ADDR="203.0.113.10"), token).status_code == 302


def test_the_landing_page_refuses_a_post(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    assert Client().post(reverse("securelinks:land", args=[token])).status_code == 405


def test_a_family_link_lands_on_the_familys_start_page(llr, alice) -> None:
    token, _ = family_link_make(case=CaseFactory(area=llr), by=alice)
    response = land(Client(), token)
    assert response["Location"] == reverse("familyvoice_public:start")


def test_a_mail_scanner_checking_the_link_with_head_neither_opens_nor_spends_it(llr, alice) -> None:
    token, _ = family_link_make(case=CaseFactory(area=llr), by=alice, otp_required=True)
    client = Client()
    response = client.head(reverse("securelinks:land", args=[token]))
    assert response.status_code == 302
    link = SecureLink.objects.get()
    assert link.open_count == 0
    assert link.otp_hash == ""  # no code was sent
    assert SESSION_LINK not in client.session
    assert Client().head(reverse("securelinks:land", args=["forged"])).status_code == 404
