from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from cdop.agencies.models import AgencyContact, Organisation
from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_an_organisation_and_it_is_audited(client_for, ada, llr):
    response = client_for(ada).post(
        reverse("agencies:organisation_new") + "?area=llr",
        {"name": "Synthetic Trust", "kind": "health_trust", "notes": ""},
    )
    organisation = Organisation.objects.get(area=llr, name="Synthetic Trust")
    assert response.status_code == 302
    assert response["Location"] == reverse("agencies:organisation", args=[organisation.pk])
    entry = LogEntry.objects.get_for_object(organisation).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == ada
    assert entry.additional_data["area_id"] == llr.pk


def test_it_refuses_an_organisation_without_a_name_and_keeps_what_was_typed(client_for, ada):
    response = client_for(ada).post(
        reverse("agencies:organisation_new"), {"name": "", "kind": "police", "notes": "Kept"}
    )
    assert response.status_code == 400
    assert "Enter the name of the organisation" in response.content.decode()
    assert "Kept" in response.content.decode()
    assert not Organisation.objects.exists()


def test_it_refuses_a_second_organisation_with_the_same_name(client_for, ada, llr):
    OrganisationFactory(area=llr, name="Synthetic Police")
    response = client_for(ada).post(
        reverse("agencies:organisation_new"), {"name": "synthetic police", "kind": "police"}
    )
    assert response.status_code == 400
    assert "already an organisation with this name" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_a_cdr_manager_reads_the_directory_but_cannot_change_it(client_for, alice, llr):
    organisation = OrganisationFactory(area=llr, name="Synthetic School", kind="education")
    AgencyContactFactory(organisation=organisation, name="Erin Synthetic")
    client = client_for(alice)
    listing = client.get(reverse("agencies:directory"))
    assert listing.status_code == 200
    assert "Synthetic School" in listing.content.decode()
    assert "Add an organisation" not in listing.content.decode()
    page = client.get(reverse("agencies:organisation", args=[organisation.pk]))
    assert "Erin Synthetic" in page.content.decode()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=alice).exists()
    assert client.get(reverse("agencies:organisation_new")).status_code == 404
    assert client.get(reverse("agencies:contact_new", args=[organisation.pk])).status_code == 404


def test_the_directory_is_searched_by_kind_and_by_a_contact_s_name(client_for, ada, llr):
    police = OrganisationFactory(area=llr, name="Synthetic Police", kind="police")
    OrganisationFactory(area=llr, name="Synthetic School", kind="education")
    AgencyContactFactory(organisation=police, name="Pete Synthetic")
    client = client_for(ada)
    by_kind = client.get(reverse("agencies:directory"), {"kind": "education"}).content.decode()
    assert "Synthetic School" in by_kind
    assert "Synthetic Police" not in by_kind
    by_name = client.get(reverse("agencies:directory"), {"q": "pete"}).content.decode()
    assert "Synthetic Police" in by_name
    assert "Synthetic School" not in by_name


@pytest.mark.parametrize("persona", ["olu", "kim", "chris", "pat"])
def test_others_get_a_404_for_the_area_s_directory(client_for, request, llr, persona):
    user = request.getfixturevalue(persona)
    organisation = OrganisationFactory(area=llr)
    contact = AgencyContactFactory(organisation=organisation)
    client = client_for(user)
    for url in (
        reverse("agencies:organisation", args=[organisation.pk]),
        reverse("agencies:organisation_edit", args=[organisation.pk]),
        reverse("agencies:contact_edit", args=[contact.pk]),
    ):
        assert client.get(url).status_code == 404
    if persona != "olu":
        assert client.get(reverse("agencies:directory")).status_code == 404
    else:
        assert organisation.name not in client.get(reverse("agencies:directory")).content.decode()


def test_an_administrator_adds_a_contact_with_a_work_email(client_for, ada, llr):
    organisation = OrganisationFactory(area=llr)
    response = client_for(ada).post(
        reverse("agencies:contact_new", args=[organisation.pk]),
        {"name": "Gita Synthetic", "job_title": "GP", "email": "Gita@Surgery.invalid"},
    )
    assert response.status_code == 302
    contact = AgencyContact.objects.get()
    assert contact.email == "gita@surgery.invalid"
    assert LogEntry.objects.get_for_object(contact).get().actor == ada


def test_it_refuses_a_contact_with_a_bad_or_repeated_email(client_for, ada, llr):
    organisation = OrganisationFactory(area=llr)
    AgencyContactFactory(organisation=organisation, email="taken@agency.invalid")
    client = client_for(ada)
    url = reverse("agencies:contact_new", args=[organisation.pk])
    bad = client.post(url, {"name": "A", "email": "not an email"})
    assert bad.status_code == 400
    assert "Enter an email address in the correct format" in bad.content.decode()
    repeated = client.post(url, {"name": "A", "email": "TAKEN@agency.invalid"})
    assert repeated.status_code == 400
    assert "already has a contact with this email" in repeated.content.decode()
    assert AgencyContact.objects.count() == 1


def test_it_refuses_a_contact_whose_phone_number_is_not_one(client_for, ada, llr):
    organisation = OrganisationFactory(area=llr)
    url = reverse("agencies:contact_new", args=[organisation.pk])

    response = client_for(ada).post(
        url, {"name": "A", "email": "a@agency.invalid", "phone": "reception"}
    )

    assert response.status_code == 400
    assert "Enter a telephone number, like 01632 960 001" in response.content.decode()
    assert not AgencyContact.objects.exists()


def test_a_contact_is_made_inactive_not_deleted(client_for, ada, llr):
    contact = AgencyContactFactory(organisation=OrganisationFactory(area=llr))
    response = client_for(ada).post(
        reverse("agencies:contact_edit", args=[contact.pk]),
        {"name": contact.name, "email": contact.email, "job_title": "", "phone": ""},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.active is False
    entry = LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.UPDATE).get()
    assert "active" in entry.changes_dict


def test_load_demo_agencies_can_be_run_twice(llr):
    call_command("load_demo_agencies")
    counts = (Organisation.objects.count(), AgencyContact.objects.count())
    call_command("load_demo_agencies")
    assert counts[0] >= 5
    assert (Organisation.objects.count(), AgencyContact.objects.count()) == counts
