from __future__ import annotations

import datetime

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cdop.core.tests.factories import CaseFactory
from cdop.securelinks import services
from cdop.securelinks.decorators import SESSION_LINK
from cdop.securelinks.models import SecureLink
from cdop.securelinks.tests.factories import agency_link_make, family_link_make
from cdop.securelinks.tests.helpers import shape

AGENCY_PAGE = "/securelinks-test/agency/"


def landed(token: str) -> Client:
    client = Client()
    response = client.get(reverse("securelinks:land", args=[token]))
    assert response.status_code == 302
    return client


def test_a_page_behind_a_link_refuses_a_browser_that_never_opened_one(db) -> None:
    response = Client().get(AGENCY_PAGE)
    assert response.status_code == 404
    assert b"This link does not work" in response.content


def test_a_family_link_does_not_open_the_agency_pages(llr, alice) -> None:
    token, _ = family_link_make(case=CaseFactory(area=llr), by=alice)
    client = landed(token)
    refused = client.get(AGENCY_PAGE)
    assert refused.status_code == 404
    assert shape(refused.content) == shape(Client().get(AGENCY_PAGE).content)


def test_an_agency_link_does_not_open_the_familys_pages(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    client = landed(token)
    refused = client.get(reverse("familyvoice_public:start"))
    assert refused.status_code == 404
    assert b"This link does not work" in refused.content


def test_a_link_revoked_after_it_was_opened_stops_at_the_next_page(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    client = landed(token)
    assert client.get(AGENCY_PAGE).status_code == 200
    services.securelink_revoke(link=SecureLink.objects.get(), by=alice)
    assert client.get(AGENCY_PAGE).status_code == 404
    assert SESSION_LINK not in client.session


def test_a_link_that_expires_while_open_stops_at_the_next_page(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    client = landed(token)
    with time_machine.travel(SecureLink.objects.get().expires_at + datetime.timedelta(seconds=1)):
        assert client.get(AGENCY_PAGE).status_code == 404


def test_a_used_link_opens_only_the_receipt(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    client = landed(token)
    services.securelink_mark_used(link=SecureLink.objects.get())
    assert client.get("/securelinks-test/agency/receipt/").status_code == 200
    assert client.get(AGENCY_PAGE).status_code == 404
    # and opening the emailed link again does nothing
    assert Client().get(reverse("securelinks:land", args=[token])).status_code == 404


def test_a_link_holder_idle_for_an_hour_must_open_the_link_again(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = landed(token)
        traveller.shift(datetime.timedelta(minutes=59))
        assert client.get(AGENCY_PAGE).status_code == 200
        traveller.shift(datetime.timedelta(minutes=59))
        assert client.get(AGENCY_PAGE).status_code == 200  # activity keeps it open
        traveller.shift(datetime.timedelta(minutes=61))
        timed_out = client.get(AGENCY_PAGE)
        assert timed_out.status_code == 401
        assert b"we closed the page" in timed_out.content
        assert client.get(AGENCY_PAGE).status_code == 404
        assert landed(token).get(AGENCY_PAGE).status_code == 200


def test_a_second_link_in_the_same_browser_replaces_the_first(llr, alice) -> None:
    case = CaseFactory(area=llr)
    first, first_request = agency_link_make(case=case, by=alice)
    client = landed(first)
    assert client.get(AGENCY_PAGE).content.decode().endswith(str(first_request.pk))
    from cdop.securelinks.tests.factories import form_request_make

    second_request = form_request_make(case=case, by=alice, email="police@force.invalid")
    second = services.securelink_issue(
        purpose="agency_form",
        email="police@force.invalid",
        area=llr,
        created_by=alice,
        expires_at=services.securelink_expiry(purpose="agency_form"),
        form_request=second_request,
    )
    client.get(reverse("securelinks:land", args=[second]))
    assert client.get(AGENCY_PAGE).content.decode().endswith(str(second_request.pk))


def test_what_opens_comes_from_the_session_never_from_the_address(llr, alice) -> None:
    case = CaseFactory(area=llr)
    token, mine = agency_link_make(case=case, by=alice)
    client = landed(token)
    # Query strings and extra path parts naming another request change nothing.
    other = mine.pk + 1
    page = client.get(AGENCY_PAGE, {"request": other, "pk": other, "form_request": other})
    assert page.content.decode() == f"agency page for request {mine.pk}"
    assert client.get(f"/securelinks-test/agency/{other}/").status_code == 404
