"""The whole request path as a contact meets it: the email, the link, the form's start."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory
from cdop.agencyforms import services
from cdop.agencyforms.tests.factories import FormDefinitionFactory
from cdop.chronology.registry import chronology_for_case
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/link/\S+?/)")


def test_the_emailed_link_opens_the_request_and_the_open_is_on_the_chronology(
    llr, alice, django_capture_on_commit_callbacks
):
    case = CaseFactory(area=llr)
    contact = AgencyContactFactory(organisation=OrganisationFactory(area=llr))
    with django_capture_on_commit_callbacks(execute=True):
        (form_request,) = services.form_request_create(
            case=case,
            contacts=[contact],
            definitions=[FormDefinitionFactory(code="e2e-core")],
            due_on=timezone.localdate() + datetime.timedelta(days=20),
            note="",
            by=alice,
        )
    path = LINK.search(mail.outbox[0].body).group(1)
    landing = Client().get(path)
    assert landing.status_code == 302
    assert landing["Location"] == reverse("agencyforms_respond:start")
    titles = [e.title for e in chronology_for_case(user=alice, case=case)]
    assert f"Reporting Form link opened by {form_request.organisation.name}" in titles


def test_a_withdrawn_request_s_link_does_not_open(llr, alice, django_capture_on_commit_callbacks):
    case = CaseFactory(area=llr)
    contact = AgencyContactFactory(organisation=OrganisationFactory(area=llr))
    with django_capture_on_commit_callbacks(execute=True):
        (form_request,) = services.form_request_create(
            case=case,
            contacts=[contact],
            definitions=[FormDefinitionFactory(code="e2e-core")],
            due_on=timezone.localdate() + datetime.timedelta(days=20),
            note="",
            by=alice,
        )
    services.form_request_revoke(form_request=form_request, by=alice)
    path = LINK.search(mail.outbox[0].body).group(1)
    response = Client().get(path)
    assert response.status_code in {404, 410}
    assert case.reference not in response.content.decode()
