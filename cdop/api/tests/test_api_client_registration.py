"""Administrators register the systems that may use the API, see each token once, and
revoke them. Nobody else reaches these pages."""

from __future__ import annotations

import hashlib

import pytest
from auditlog.models import LogEntry

from cdop.notifications.models import ApiClient

pytestmark = pytest.mark.django_db

LIST = "/staff/api-clients/"
NEW = "/staff/api-clients/new/"


def test_an_administrator_registers_a_system_and_sees_its_token_once(client_for, ada, llr):
    browser = client_for(ada)

    response = browser.post(NEW, {"name": "Royal Infirmary EPR", "area": llr.pk})

    client = ApiClient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/api-clients/{client.pk}/token/"
    shown = browser.get(response["Location"])
    assert shown.status_code == 200
    token = shown.context["token"]
    assert token.startswith("cdop_")
    assert len(token) > 40
    assert token in shown.text
    assert "Copy it now; it will not be shown again" in shown.text
    again = browser.get(response["Location"])
    assert token not in again.text
    assert "cannot be shown again" in again.text
    assert client.area == llr
    assert client.name == "Royal Infirmary EPR"
    assert client.created_by == ada
    assert client.is_active


def test_only_the_hash_and_first_characters_of_the_token_are_stored(client_for, ada, llr):
    browser = client_for(ada)
    response = browser.post(NEW, {"name": "Royal Infirmary EPR", "area": llr.pk})
    token = browser.get(response["Location"]).context["token"]

    client = ApiClient.objects.get()
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.token_prefix == token[:8]
    stored = [str(value) for value in ApiClient.objects.values().get().values()]
    assert token not in stored
    entry = LogEntry.objects.get_for_object(client).get()
    assert entry.actor == ada
    assert token not in str(entry.changes)
    assert client.token_hash not in str(entry.changes)


def test_the_list_shows_each_system_of_the_administrators_areas(
    client_for, ada, llr, royal, retired, elsewhere
):
    response = client_for(ada).get(LIST)

    assert response.status_code == 200
    assert "Royal Infirmary EPR" in response.text
    assert royal.client.token_prefix in response.text
    assert "Old PAS" in response.text
    assert "Revoked" in response.text
    assert "Demo EPR" not in response.text  # ada does not administer Demo Shire
    assert royal.token not in response.text


def test_a_system_cannot_be_registered_in_an_area_you_do_not_administer(
    client_for, ada, other_area
):
    response = client_for(ada).post(NEW, {"name": "Sneaky", "area": other_area.pk})

    assert response.status_code == 200
    assert "Select one of your areas" in response.text
    assert not ApiClient.objects.exists()


def test_a_name_is_required(client_for, ada, llr):
    response = client_for(ada).post(NEW, {"name": "", "area": llr.pk})

    assert "Enter the name of the system" in response.text
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "devi", "kim", "chris", "pat", "olu"])
@pytest.mark.parametrize("url", [LIST, NEW])
def test_only_administrators_reach_the_pages(request, client_for, persona, url):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(LIST)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_administrator_revokes_a_system(client_for, ada, royal):
    browser = client_for(ada)
    url = f"/staff/api-clients/{royal.client.pk}/revoke/"

    confirm = browser.get(url)
    response = browser.post(url)

    assert confirm.status_code == 200
    assert "Revoke Royal Infirmary EPR?" in confirm.text
    assert response.status_code == 302
    royal.client.refresh_from_db()
    assert not royal.client.is_active
    entry = LogEntry.objects.get_for_object(royal.client).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == ada
    assert entry.changes["is_active"] == ["True", "False"]


def test_another_areas_system_cannot_be_revoked(client_for, ada, olu, elsewhere, royal):
    assert (
        client_for(ada).post(f"/staff/api-clients/{elsewhere.client.pk}/revoke/").status_code == 404
    )
    assert client_for(olu).post(f"/staff/api-clients/{royal.client.pk}/revoke/").status_code == 404
    elsewhere.client.refresh_from_db()
    royal.client.refresh_from_db()
    assert elsewhere.client.is_active
    assert royal.client.is_active


def test_the_token_page_of_another_areas_system_is_not_found(client_for, ada, elsewhere):
    assert (
        client_for(ada).get(f"/staff/api-clients/{elsewhere.client.pk}/token/").status_code == 404
    )
