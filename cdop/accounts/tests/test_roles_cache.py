from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdop.accounts.models import Membership, Role
from cdop.core.tests.factories import CaseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def membership_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # The user's own roles; other membership reads (the key workers a list offers) differ.
    return sum('"accounts_membership"."user_id" =' in q["sql"] for q in queries.captured_queries)


def test_roles_are_read_once_a_session_not_on_every_page(client_for, alice):
    client = client_for(alice)

    assert membership_queries(client, "/staff/cases/") == 1
    assert membership_queries(client, "/staff/cases/") == 0
    assert membership_queries(client, "/staff/statistics/") == 0


def test_a_removed_role_stops_working_on_the_very_next_request(llr, client_for, alice):
    case = CaseFactory(area=llr)
    client = client_for(alice)
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 200

    Membership.objects.filter(user=alice).delete()

    assert client.get(f"/staff/cases/{case.reference}/").status_code == 404


def test_a_role_removed_one_by_one_stops_working_too(llr, client_for, alice):
    client = client_for(alice)
    assert client.get("/staff/cases/").status_code == 200

    for membership in Membership.objects.filter(user=alice):
        membership.delete()

    assert client.get("/staff/cases/").status_code == 404


def test_a_new_role_works_on_the_next_request(llr, client_for, pat):
    case = CaseFactory(area=llr)
    client = client_for(pat)
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 404

    MembershipFactory(user=pat, area=llr, role=Role.DESIGNATED_DOCTOR)

    assert client.get(f"/staff/cases/{case.reference}/").status_code == 200
