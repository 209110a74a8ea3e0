from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cdop.core.tests.factories import CaseFactory
from cdop.securelinks import services
from cdop.securelinks.tests.factories import family_voice_request_make


def test_a_family_link_lands_on_the_family_start_page(llr, alice) -> None:
    case = CaseFactory(area=llr)
    request = family_voice_request_make(case=case, by=alice)
    token = services.securelink_issue(
        purpose="family_voice",
        email="family@example.invalid",
        area=llr,
        created_by=alice,
        expires_at=services.securelink_expiry(purpose="family_voice"),
        family_voice_request=request,
    )
    client = Client()
    response = client.get(reverse("securelinks:land", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("familyvoice_public:start")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("securelinks:land", args=["nope"])).status_code == 404
