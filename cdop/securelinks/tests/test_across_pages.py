"""The real pages behind each kind of link: a link opens only its own kind, and only its own
request, whatever is typed into the address."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from cdop.agencyforms.models import RequestedForm
from cdop.core.tests.factories import CaseFactory
from cdop.formdefs.models import FormDefinition
from cdop.securelinks.tests.factories import agency_link_make, family_link_make
from cdop.securelinks.tests.helpers import shape


def landed(token: str) -> Client:
    client = Client()
    assert client.get(reverse("securelinks:land", args=[token])).status_code == 302
    return client


def test_a_family_link_does_not_open_the_agency_form_pages(llr, alice) -> None:
    token, _ = family_link_make(case=CaseFactory(area=llr), by=alice)
    client = landed(token)
    for name in ("start", "tasks", "check", "receipt"):
        response = client.get(reverse(f"agencyforms_respond:{name}"))
        assert response.status_code == 404, name
        assert shape(response.content) == shape(
            Client().get(reverse("agencyforms_respond:start")).content
        )


def test_an_agency_link_does_not_open_the_family_pages(llr, alice) -> None:
    token, _ = agency_link_make(case=CaseFactory(area=llr), by=alice)
    client = landed(token)
    for name in ("start", "words", "add_question", "check", "sent"):
        assert client.get(reverse(f"familyvoice_public:{name}")).status_code == 404, name


def test_an_agency_link_cannot_open_another_requests_form_by_its_number(llr, alice) -> None:
    definition = FormDefinition.objects.filter(published_at__isnull=False).first()
    assert definition is not None
    section_id = definition.schema["sections"][0]["id"]
    case = CaseFactory(area=llr)
    mine_token, mine = agency_link_make(case=case, by=alice)
    _, theirs = agency_link_make(case=CaseFactory(area=llr), by=alice)
    my_form = RequestedForm.objects.create(request=mine, definition=definition)
    their_form = RequestedForm.objects.create(request=theirs, definition=definition)
    client = landed(mine_token)
    own = client.get(reverse("agencyforms_respond:section", args=[my_form.pk, section_id]))
    assert own.status_code == 200
    other = client.get(reverse("agencyforms_respond:section", args=[their_form.pk, section_id]))
    assert other.status_code == 404
    missing = client.get(reverse("agencyforms_respond:section", args=[999999, section_id]))
    assert shape(other.content) == shape(missing.content)
