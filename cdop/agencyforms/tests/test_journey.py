"""The journey as a new user tries it: the CDR manager asks four agencies at once; three
complete their forms from the emailed link alone (one over two sittings); the returns are
read side by side."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cdop.accounts.models import User
from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory
from cdop.agencyforms.collation import collation_for_case
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.tests.respond_helpers import section_data
from cdop.areas.models import Area
from cdop.cases.models import Expectedness
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.formdefs.selectors import formdef_current

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+?(/link/[^/\s]+/)")


def _fill_from(client: Client, *, stop_after: int | None = None) -> None:
    """Work through the task list as a person would: each section in turn."""
    page = client.get("/reporting-form/tasks/").content.decode()
    sections = re.findall(r'href="/reporting-form/forms/(\d+)/([a-z_]+)/"', page)
    for done, (form_id, section_id) in enumerate(sections):
        if stop_after is not None and done == stop_after:
            return
        definition = FormRequest.objects.get(forms__pk=form_id).forms.get(pk=form_id).definition
        response = client.post(
            f"/reporting-form/forms/{form_id}/{section_id}/", section_data(definition, section_id)
        )
        assert response.status_code == 302


def test_four_agencies_asked_three_answer_from_the_email_alone(
    llr: Area, alice: User, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    death = timezone.localdate() - datetime.timedelta(days=10)
    case = CaseFactory(
        area=llr,
        date_of_death=death,
        child_date_of_birth=death - datetime.timedelta(days=120),
        expectedness=Expectedness.UNEXPECTED,
    )
    NotificationFactory(area=llr, case=case, circumstances="Found unresponsive in the morning.")
    contacts = [
        AgencyContactFactory(organisation=OrganisationFactory(area=llr, name=name))
        for name in ("Synthetic Police", "Synthetic Hospital", "Synthetic GP", "Synthetic School")
    ]
    core = formdef_current(code="reporting-form")
    sudi = formdef_current(code="sudi-sudic")
    due_on = timezone.localdate() + datetime.timedelta(days=28)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            f"/staff/cases/{case.reference}/forms/request/",
            {
                "contacts": [str(c.pk) for c in contacts],
                "definitions": [str(core.pk), str(sudi.pk)],
                "due_on_day": due_on.day,
                "due_on_month": due_on.month,
                "due_on_year": due_on.year,
            },
        )
    assert response.status_code == 302
    links = {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}  # type: ignore[union-attr]
    assert len(links) == 4

    police, hospital, gp, school = contacts
    # The police and the hospital finish in one sitting each.
    for contact in (police, hospital):
        client = Client()
        assert client.get(links[contact.email])["Location"] == "/reporting-form/"
        _fill_from(client)
        assert client.post("/reporting-form/check/")["Location"] == "/reporting-form/sent/"
    # The GP does two sections, stops, and comes back another day with the same link.
    first = Client()
    first.get(links[gp.email])
    _fill_from(first, stop_after=2)
    later = Client()
    later.get(links[gp.email])
    progress = later.get("/reporting-form/tasks/").content.decode()
    assert progress.count("Completed") == 2  # what was saved in the first sitting
    assert "Not started" in progress
    _fill_from(later)
    assert later.post("/reporting-form/check/")["Location"] == "/reporting-form/sent/"

    statuses = dict(FormRequest.objects.filter(case=case).values_list("contact__email", "status"))
    assert sorted(statuses.values()) == ["requested", "submitted", "submitted", "submitted"]
    collated = collation_for_case(case=case)
    assert [f.code for f in collated] == ["reporting-form", "sudi-sudic"]
    assert [c.request.organisation.name for c in collated[0].columns] == [
        "Synthetic Police",
        "Synthetic Hospital",
        "Synthetic GP",
    ]
    # Each used link now opens nothing; the school's still works.
    for contact in (police, hospital, gp):
        assert "This link does not work" in Client().get(links[contact.email]).content.decode()
    assert Client().get(links[school.email]).status_code == 302
