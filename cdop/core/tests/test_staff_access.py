"""Who reaches which staff page. The security core: every persona against every page kind.

Readers of LLR case records are alice, ada and devi; kim (key worker) reads only the cases
she is the key worker for, and not the notification queue. chris and pat (the panel) see
statistics only. olu works in another area, so LLR records do not exist for him. Anyone
without access to a record gets the same 404 as for a record that does not exist.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cdop.core.tests.factories import CaseFactory, NotificationFactory

pytestmark = pytest.mark.django_db

LLR_CASE = "LLR-2026-0042"
LLR_NOTIFICATION = "NTF-LLR0-0042"
OTHER_CASE = "DEMO-2026-0007"
OTHER_NOTIFICATION = "NTF-DEM0-0007"

URLS = [
    "/staff/",
    "/staff/notifications/",
    f"/staff/notifications/{LLR_NOTIFICATION}/",
    "/staff/cases/",
    f"/staff/cases/{LLR_CASE}/",
    "/staff/statistics/",
    "/staff/audit/",
    "/staff/pages/",
]

# fmt: off
EXPECTED = {
    #         home  notes note  cases case  stats audit pages
    "alice": (200,  200,  200,  200,  200,  200,  404,  404),
    "ada":   (200,  200,  200,  200,  200,  200,  200,  200),
    "devi":  (200,  200,  200,  200,  200,  200,  404,  404),
    "kim":   (200,  404,  404,  200,  404,  200,  404,  404),
    "chris": (200,  404,  404,  404,  404,  200,  404,  404),
    "pat":   (200,  404,  404,  404,  404,  200,  404,  404),
    "olu":   (200,  200,  404,  200,  404,  200,  404,  404),
}
# fmt: on


def _matrix():
    for persona, row in EXPECTED.items():
        for url, status in zip(URLS, row, strict=True):
            yield pytest.param(persona, url, status, id=f"{persona}-{url}")


def case_link(reference: str) -> str:
    return f'href="/staff/cases/{reference}/"'


def notification_link(reference: str) -> str:
    return f'href="/staff/notifications/{reference}/"'


@pytest.fixture
def records(llr, other_area):
    """One notification and one case in LLR, and one of each in the other area."""
    return {
        "llr_case": CaseFactory(area=llr, reference=LLR_CASE, child_last_name="Llrchild"),
        "llr_notification": NotificationFactory(
            area=llr, reference=LLR_NOTIFICATION, child_last_name="Llrnotified"
        ),
        "other_case": CaseFactory(
            area=other_area, reference=OTHER_CASE, child_last_name="Otherchild"
        ),
        "other_notification": NotificationFactory(
            area=other_area, reference=OTHER_NOTIFICATION, child_last_name="Othernotified"
        ),
    }


@pytest.mark.parametrize(("persona", "url", "status"), list(_matrix()))
def test_each_persona_reaches_exactly_the_staff_pages_their_role_allows(
    records, client_for, request, persona, url, status
):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(url)

    assert response.status_code == status
    if status == 404:
        assert "Page not found" in response.text


@pytest.mark.parametrize("url", URLS)
def test_anyone_not_signed_in_is_sent_to_sign_in(records, url):
    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", [*URLS, "/staff/account/", "/admin/"])
def test_a_user_without_a_second_factor_is_sent_to_set_one_up(records, client_for, charlie, url):
    response = client_for(charlie).get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/2fa/totp/activate/?next={url}"


def test_a_user_without_a_second_factor_can_still_reach_the_setup_pages(client_for, charlie):
    client = client_for(charlie)

    # allauth asks for the password again before a factor is added (force_login set none).
    setup = client.get("/accounts/2fa/totp/activate/", follow=True)

    assert setup.status_code == 200
    assert setup.redirect_chain == [
        ("/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F", 302)
    ]


def test_a_deactivated_user_is_treated_as_signed_out(records, client_for, alice):
    client = client_for(alice)
    alice.is_active = False
    alice.save()

    response = client.get(f"/staff/cases/{LLR_CASE}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_kim_reads_the_case_she_is_key_worker_for(records, client_for, kim):
    records["llr_case"].key_worker = kim
    records["llr_case"].save(update_fields=["key_worker"])
    client = client_for(kim)

    assert case_link(LLR_CASE) in client.get("/staff/cases/").text
    assert client.get(f"/staff/cases/{LLR_CASE}/").status_code == 200
    assert client.get(f"/staff/notifications/{LLR_NOTIFICATION}/").status_code == 404


@pytest.mark.parametrize("persona", ["alice", "ada", "devi"])
def test_llr_readers_see_llr_records_and_not_the_other_area(records, client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))

    cases = client.get("/staff/cases/").text
    notifications = client.get("/staff/notifications/").text

    assert case_link(LLR_CASE) in cases
    assert "Llrchild" in cases
    assert OTHER_CASE not in cases
    assert "Otherchild" not in cases
    assert notification_link(LLR_NOTIFICATION) in notifications
    assert OTHER_NOTIFICATION not in notifications
    assert "Othernotified" not in notifications


def test_olu_sees_only_his_own_area_in_the_lists(records, client_for, olu):
    client = client_for(olu)

    cases = client.get("/staff/cases/").text
    notifications = client.get("/staff/notifications/?status=new").text
    all_notifications = client.get("/staff/notifications/?status=all").text

    assert case_link(OTHER_CASE) in cases
    assert LLR_CASE not in cases
    assert "Llrchild" not in cases
    assert notification_link(OTHER_NOTIFICATION) in notifications
    assert LLR_NOTIFICATION not in notifications
    assert LLR_NOTIFICATION not in all_notifications


def test_olu_cannot_find_an_llr_case_by_searching_for_it(records, client_for, olu):
    client = client_for(olu)

    for query in (LLR_CASE, "Llrchild", "9990000026"):
        response = client.get("/staff/cases/", {"q": query})
        assert case_link(LLR_CASE) not in response.text
        assert "Llrchild" not in response.text.replace(f'value="{query}"', "")


def test_alice_finds_a_case_by_reference_surname_or_nhs_number(records, client_for, alice):
    client = client_for(alice)

    for query in (LLR_CASE, "llrchild", "999 000 0026"):
        assert case_link(LLR_CASE) in client.get("/staff/cases/", {"q": query}).text
    assert case_link(LLR_CASE) not in client.get("/staff/cases/", {"q": "Nobody"}).text


def test_olu_reaches_his_own_areas_records(records, client_for, olu):
    client = client_for(olu)

    assert client.get(f"/staff/cases/{OTHER_CASE}/").status_code == 200
    assert client.get(f"/staff/notifications/{OTHER_NOTIFICATION}/").status_code == 200


def test_alice_cannot_reach_the_other_areas_records(records, client_for, alice):
    client = client_for(alice)

    assert client.get(f"/staff/cases/{OTHER_CASE}/").status_code == 404
    assert client.get(f"/staff/notifications/{OTHER_NOTIFICATION}/").status_code == 404


@pytest.mark.parametrize("persona", ["chris", "pat"])
def test_the_panel_has_no_cases_or_notifications_link(records, client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).get("/staff/")

    assert 'href="/staff/cases/"' not in response.text
    assert 'href="/staff/notifications/"' not in response.text
    assert 'href="/staff/statistics/"' in response.text
    assert "case records are not shown to you here" in response.text


def test_a_case_reader_has_the_cases_link_but_no_audit_link(records, client_for, alice):
    response = client_for(alice).get("/staff/")

    assert 'href="/staff/cases/"' in response.text
    assert 'href="/staff/notifications/"' in response.text
    assert 'href="/staff/audit/"' not in response.text
    assert 'href="/staff/pages/"' not in response.text


def test_an_administrator_has_the_audit_and_pages_links(records, client_for, ada):
    # Through the navigation's Administration page.
    client = client_for(ada)
    response = client.get("/staff/")
    hub = client.get("/staff/administration/")

    assert 'href="/staff/administration/"' in response.text
    assert 'href="/staff/audit/"' in hub.text
    assert 'href="/staff/pages/"' in hub.text


def _without_nonces(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


@pytest.mark.parametrize(
    ("forbidden", "unknown"),
    [
        (f"/staff/cases/{LLR_CASE}/", "/staff/cases/LLR-2026-9999/"),
        (f"/staff/notifications/{LLR_NOTIFICATION}/", "/staff/notifications/NTF-ZZZZ-ZZZZ/"),
        (
            f"/staff/cases/{LLR_CASE}/transition/case_finalise/",
            "/staff/cases/LLR-2026-9999/transition/case_finalise/",
        ),
    ],
)
def test_a_forbidden_record_looks_exactly_like_one_that_does_not_exist(
    records, client_for, olu, forbidden, unknown
):
    client = client_for(olu)

    if "transition" in forbidden:
        refused, missing = client.post(forbidden), client.post(unknown)
    else:
        refused, missing = client.get(forbidden), client.get(unknown)

    assert refused.status_code == missing.status_code == 404
    assert _without_nonces(refused.text) == _without_nonces(missing.text)
    assert "Llrchild" not in refused.text


def test_olu_cannot_open_a_case_from_an_llr_notification(records, client_for, olu):
    response = client_for(olu).post(f"/staff/notifications/{LLR_NOTIFICATION}/open-case/")

    assert response.status_code == 404
    records["llr_notification"].refresh_from_db()
    assert records["llr_notification"].case is None


@pytest.mark.parametrize("persona", ["chris", "pat", "kim"])
def test_roles_that_do_not_run_cases_cannot_open_one(records, client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        f"/staff/notifications/{LLR_NOTIFICATION}/open-case/"
    )

    assert response.status_code == 404
    records["llr_notification"].refresh_from_db()
    assert records["llr_notification"].case is None


def test_the_benchmarks_rows_floor_shows_only_the_cases_the_reader_may_read(
    records, client_for, alice, olu, kim
):
    """/staff/floor/rows/ (a yardstick of the national benchmark) lists cases as the case
    list does: each reader their own area's, a key worker only her own cases."""
    llr_rows = client_for(alice).get("/staff/floor/rows/").text
    other_rows = client_for(olu).get("/staff/floor/rows/").text
    kims_rows = client_for(kim).get("/staff/floor/rows/").text

    assert case_link(LLR_CASE) in llr_rows
    assert "Llrchild" in llr_rows
    assert OTHER_CASE not in llr_rows
    assert case_link(OTHER_CASE) in other_rows
    assert LLR_CASE not in other_rows
    assert LLR_CASE not in kims_rows
    assert "No cases match." in kims_rows


def test_the_benchmarks_rows_floor_is_not_found_for_the_panel(records, client_for, chris):
    response = client_for(chris).get("/staff/floor/rows/")

    assert response.status_code == 404
    assert "Llrchild" not in response.text
