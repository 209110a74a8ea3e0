"""Every response carries the headers that keep pages from being framed, sniffed or cached."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_a_staff_page_allows_only_its_own_nonced_scripts(client_for, alice):
    response = client_for(alice).get("/staff/")

    csp = directives(response)
    nonces = [v for v in csp["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_each_response_gets_a_fresh_nonce(client_for, alice):
    client = client_for(alice)

    first = directives(client.get("/staff/"))["script-src"]
    second = directives(client.get("/staff/"))["script-src"]

    assert first != second


def test_a_staff_page_cannot_be_framed_or_stored(client_for, alice):
    response = client_for(alice).get("/staff/")

    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/staff/cases/", "/staff/statistics/", "/staff/account/"])
def test_every_staff_page_is_kept_out_of_caches(client_for, ada, path):
    response = client_for(ada).get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_staff_not_found_page_is_not_stored_either(client_for, alice):
    response = client_for(alice).get("/staff/cases/NOPE-0000/")

    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("path", ["/llr/about/", "/llr/notify/", "/no-such-area/"])
def test_public_pages_carry_the_same_policy(llr, path):
    response = Client().get(path)

    csp = directives(response)
    assert any(v.startswith("'nonce-") for v in csp["script-src"])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert csp["form-action"] == ["'self'"]


def test_the_sign_in_page_is_not_stored(db):
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_signed_in_person_reading_a_public_page_does_not_leave_it_in_a_cache(
    llr, client_for, alice
):
    response = client_for(alice).get("/llr/about/")

    assert "no-store" in response["Cache-Control"]


def test_cookies_cannot_be_read_by_scripts(llr, client_for, alice, settings):
    response = Client().get("/llr/notify/")

    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"
