"""Personal access tokens: made on a staff page and shown once, kept only as a hash, expiring,
revocable, acting as their owner with the roles they hold now; and signed-in sessions, which
the staff API takes only with a second factor."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from cdop.accounts.models import Membership
from cdop.api.authentication import (
    STAFF_ACCOUNT_INACTIVE,
    STAFF_EXPIRED,
    STAFF_MISSING,
    STAFF_NO_MFA,
    STAFF_NOT_PERSONAL,
    STAFF_NOT_RECOGNISED,
    STAFF_REVOKED,
)
from cdop.api.models import PersonalAccessToken
from cdop.api.services import (
    PERSONAL_TOKEN_MAX_DAYS,
    api_client_register,
    personal_token_create,
    personal_token_revoke,
    token_hash,
)
from cdop.api.tests.conftest import token_for
from cdop.core.tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

TOKENS = "/staff/api-clients/tokens/"


@pytest.fixture
def llr_case(llr):
    return CaseFactory(area=llr, reference="LLR-2026-0100")


def _made_on_the_page(client: Client, name: str = "Monthly figures", days: str = "90") -> str:
    response = client.post(f"{TOKENS}new/", {"name": name, "days": days})
    assert response.status_code == 302
    page = client.get(response["Location"])
    match = re.search(r'<code id="personal-token"[^>]*>(cdop_pat_[^<]+)</code>', page.text)
    assert match, page.text
    return match.group(1)


# --- Made on a page, shown once, kept as a hash --------------------------------------------------


def test_a_token_made_on_the_page_is_shown_once_and_kept_only_as_a_hash(client_for, alice):
    client = client_for(alice)

    token = _made_on_the_page(client)
    personal = PersonalAccessToken.objects.get(user=alice)
    again = client.get(f"{TOKENS}{personal.pk}/")

    assert personal.token_hash == token_hash(token)
    assert token not in str(PersonalAccessToken.objects.filter(pk=personal.pk).values().get())
    assert personal.token_prefix == token[:13]
    assert token not in again.text
    assert "cannot be shown again" in again.text
    listing = client.get(TOKENS).text
    assert personal.token_prefix in listing
    assert token not in listing


def test_a_token_lasts_90_days_unless_chosen_and_a_year_at_most(client_for, alice):
    client = client_for(alice)

    _made_on_the_page(client, days="90")
    _made_on_the_page(client, name="Yearly", days="365")
    refused = client.post(f"{TOKENS}new/", {"name": "Forever", "days": "3650"})

    lifetimes = sorted(
        (t.expires_at - t.created_at).days for t in PersonalAccessToken.objects.filter(user=alice)
    )
    assert lifetimes == [90, 365]
    assert refused.status_code == 200
    assert "Select how long the token should work" in refused.text
    with pytest.raises(ValueError, match="1 to 365 days"):
        personal_token_create(user=alice, name="Too long", days=PERSONAL_TOKEN_MAX_DAYS + 1)


def test_the_token_form_asks_for_a_name(client_for, alice):
    response = client_for(alice).post(f"{TOKENS}new/", {"name": "", "days": "90"})

    assert response.status_code == 200
    assert "Enter what the token is for" in response.text
    assert not PersonalAccessToken.objects.exists()


def test_making_and_revoking_a_token_is_in_the_audit_log_without_its_hash(client_for, alice):
    client = client_for(alice)
    _made_on_the_page(client)
    personal = PersonalAccessToken.objects.get(user=alice)

    client.post(f"{TOKENS}{personal.pk}/revoke/")

    entries = LogEntry.objects.get_for_object(personal).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == alice for e in entries)
    assert "token_hash" not in (entries[0].changes or "")


def test_someone_elses_token_page_is_a_404(client_for, alice, devi):
    personal, _ = personal_token_create(user=alice, name="Mine", days=30)
    client = client_for(devi)

    assert client.get(f"{TOKENS}{personal.pk}/").status_code == 404
    assert client.post(f"{TOKENS}{personal.pk}/revoke/").status_code == 404
    assert client.get(f"{TOKENS}{2**70}/revoke/").status_code == 404
    assert PersonalAccessToken.objects.get(pk=personal.pk).revoked_at is None


def test_an_account_with_no_role_has_no_token_pages(client_for, charlie):
    from conftest import give_totp

    give_totp(charlie)  # past the second-factor check, to the page's own

    assert client_for(charlie).get(TOKENS).status_code == 404


# --- What a token does --------------------------------------------------------------------------


def test_a_token_reads_as_its_owner_and_notes_when_it_was_used(staff_get, alice, llr_case):
    token = token_for(alice)

    response = staff_get("cases/", token)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert PersonalAccessToken.objects.get(user=alice).last_used_at is not None


def test_no_token_is_a_401_saying_how_to_send_one(staff_get):
    response = staff_get("cases/")

    assert response.status_code == 401
    assert response.json()["detail"] == STAFF_MISSING
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer cdop_pat_not-a-real-token", STAFF_NOT_RECOGNISED),
        ("Bearer something", STAFF_NOT_RECOGNISED),
        ("Basic YWxpY2U6cGFzc3dvcmQ=", STAFF_MISSING),
    ],
)
def test_a_wrong_token_is_a_401(header, message, db):
    response = Client().get("/api/staff/v1/cases/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["detail"] == message


def test_a_systems_token_is_refused_with_a_word_on_which_token_to_use(llr, ada):
    _client, system_token = api_client_register(area=llr, name="Royal Infirmary EPR", by=ada)

    response = Client().get("/api/staff/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {system_token}")

    assert response.status_code == 401
    assert response.json()["detail"] == STAFF_NOT_PERSONAL


def test_a_personal_token_cannot_send_notifications(alice):
    response = Client().get(
        "/api/v1/notifications/NTF-AAAA-0001/", HTTP_AUTHORIZATION=f"Bearer {token_for(alice)}"
    )

    assert response.status_code == 401


def test_an_expired_token_stops_working(staff_get, alice):
    token = token_for(alice, days=30)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=30, seconds=1)):
        response = staff_get("cases/", token)

    assert response.status_code == 401
    assert response.json()["detail"] == STAFF_EXPIRED


def test_a_revoked_token_stops_working_at_once(staff_get, alice):
    personal, token = personal_token_create(user=alice, name="Notebook", days=30)
    assert staff_get("cases/", token).status_code == 200

    personal_token_revoke(token=personal, by=alice)
    response = staff_get("cases/", token)

    assert response.status_code == 401
    assert response.json()["detail"] == STAFF_REVOKED


def test_a_deactivated_accounts_token_stops_working(staff_get, alice):
    token = token_for(alice)
    alice.is_active = False
    alice.save()

    response = staff_get("cases/", token)

    assert response.status_code == 401
    assert response.json()["detail"] == STAFF_ACCOUNT_INACTIVE


def test_a_token_has_its_owners_roles_as_they_are_now(staff_get, alice, llr_case):
    token = token_for(alice)
    assert staff_get("cases/LLR-2026-0100/", token).status_code == 200

    Membership.objects.filter(user=alice).delete()

    assert staff_get("cases/LLR-2026-0100/", token).status_code == 404
    assert staff_get("cases/", token).json()["results"] == []


def test_a_token_whose_owner_lost_their_second_factor_stops_working(staff_get, alice):
    from allauth.mfa.models import Authenticator

    token = token_for(alice)
    Authenticator.objects.filter(user=alice).delete()

    response = staff_get("cases/", token)

    assert response.status_code == 401
    assert response.json()["detail"] == STAFF_NO_MFA


# --- Sessions ---------------------------------------------------------------------------------


def test_a_signed_in_session_with_a_second_factor_reads_the_api(client_for, alice, llr_case):
    response = client_for(alice).get("/api/staff/v1/cases/")

    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == ["LLR-2026-0100"]


def test_a_session_without_a_second_factor_is_refused(alice, llr_case):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=alice).delete()
    client = Client()
    client.force_login(alice, backend="allauth.account.auth_backends.AuthenticationBackend")

    response = client.get("/api/staff/v1/cases/LLR-2026-0100/")

    assert response.status_code == 403
    assert response.json()["detail"] == STAFF_NO_MFA
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_session_still_needs_csrf_for_anything_but_get(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice, backend="allauth.account.auth_backends.AuthenticationBackend")

    response = client.post("/api/staff/v1/cases/")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- Limits -----------------------------------------------------------------------------------


def test_each_person_has_a_rate_limit(staff_get, alice, devi, settings):
    current = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **current,
        "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], "api_staff": "2/minute"},
    }
    token = token_for(alice)

    codes = [staff_get("statistics/", token).status_code for _ in range(3)]
    other = staff_get("statistics/", token_for(devi))

    assert codes == [200, 200, 429]
    assert int(staff_get("statistics/", token)["Retry-After"]) > 0
    assert other.status_code == 200


def test_guessed_tokens_from_one_address_are_stopped(staff_get, alice, settings):
    current = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **current,
        "DEFAULT_THROTTLE_RATES": {
            **current["DEFAULT_THROTTLE_RATES"],
            "api_auth_failure": "2/minute",
        },
    }
    for n in range(2):
        assert staff_get("cases/", f"cdop_pat_guess{n}").status_code == 401

    assert staff_get("cases/", token_for(alice)).status_code == 429


def test_a_token_request_leaves_no_session_behind(staff_get, alice):
    from django.contrib.sessions.models import Session

    response = staff_get("cases/", token_for(alice))

    assert response.status_code == 200
    assert not response.cookies
    assert not Session.objects.exists()
