"""Your account: where a member of staff finds their own API tokens."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_staff_find_their_personal_api_tokens_from_their_account(client_for, alice):
    page = client_for(alice).get("/staff/account/")

    assert page.status_code == 200
    assert 'href="/staff/api-clients/tokens/"' in page.text
    assert client_for(alice).get("/staff/api-clients/tokens/").status_code == 200
