from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory
from cdop.agencyforms.integration import agency_forms_blockers, agency_forms_section
from cdop.agencyforms.tests.factories import FormRequestFactory
from cdop.cases.blockers import case_blockers
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import page_of

pytestmark = pytest.mark.django_db

URL = reverse("agencyforms_area:outstanding")


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_the_area_page_lists_open_requests_oldest_due_first(client_for, alice, llr, other_area):
    case = CaseFactory(area=llr)
    later = FormRequestFactory(case=case, due_on=_days(10))
    overdue = FormRequestFactory(case=case, due_on=_days(-3))
    FormRequestFactory(case=case, status="submitted", contact__name="Returned Person")
    FormRequestFactory(case=case, status="revoked", contact__name="Withdrawn Person")
    FormRequestFactory(case=CaseFactory(area=other_area), contact__name="Elsewhere Person")
    html = client_for(alice).get(URL).content.decode()
    assert html.index(overdue.contact.name) < html.index(later.contact.name)
    assert "3 days overdue" in html
    for hidden in ("Returned Person", "Withdrawn Person", "Elsewhere Person"):
        assert hidden not in html
    assert "2 outstanding" in html


def test_the_area_page_filters_by_organisation_and_overdue(client_for, alice, llr):
    case = CaseFactory(area=llr)
    police = OrganisationFactory(area=llr, name="Synthetic Police")
    by_police = FormRequestFactory(
        case=case, contact=AgencyContactFactory(organisation=police), due_on=_days(5)
    )
    overdue = FormRequestFactory(case=case, due_on=_days(-1))
    client = client_for(alice)
    html = client.get(URL, {"organisation": police.pk}).content.decode()
    assert by_police.contact.name in html
    assert overdue.contact.name not in html
    html = client.get(URL, {"overdue": "1"}).content.decode()
    assert overdue.contact.name in html
    assert by_police.contact.name not in html


def test_the_area_page_runs_the_same_queries_whatever_the_page_holds(client_for, alice, llr):
    client = client_for(alice)
    case = CaseFactory(area=llr)
    FormRequestFactory(case=case)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(30):
        FormRequestFactory(case=CaseFactory(area=llr))
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL)
    assert page.status_code == 200
    assert len(many) == len(few)


def test_the_area_page_pages_by_twenty_five(client_for, alice, llr):
    case = CaseFactory(area=llr)
    contact = AgencyContactFactory(organisation=OrganisationFactory(area=llr))
    for n in range(30):
        FormRequestFactory(case=case, contact=contact, due_on=_days(n + 1))
    client = client_for(alice)
    first = client.get(URL).content.decode()
    assert page_of(first) == (1, 2)
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count('class="govuk-table__row"') == 6  # the header and 5 rows


@pytest.mark.parametrize("persona", ["kim", "chris", "pat"])
def test_those_who_do_not_read_every_case_get_a_404(client_for, request, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 404


def test_the_blocker_counts_open_requests_and_refuses_nothing(llr):
    case = CaseFactory(area=llr)
    quiet = CaseFactory(area=llr)
    FormRequestFactory(case=case)
    FormRequestFactory(case=case, status="in_progress")
    FormRequestFactory(case=case, status="submitted")
    FormRequestFactory(case=quiet, status="revoked")
    (blocker,) = case_blockers(case.pk)
    assert blocker.reason == "Waiting for 2 agency Reporting Forms"
    assert blocker.kind == "agency_forms"
    assert blocker.blocks == frozenset()
    assert case_blockers(quiet.pk) == []


def test_the_blocker_answers_for_many_cases_in_one_query(llr, django_assert_num_queries):
    cases = [CaseFactory(area=llr) for _ in range(5)]
    for case in cases:
        FormRequestFactory(case=case)
    with django_assert_num_queries(1):
        found = agency_forms_blockers([c.pk for c in cases])
    assert set(found) == {c.pk for c in cases}


def test_the_case_section_shows_what_is_outstanding_in_a_fixed_number_of_queries(
    alice, llr, django_assert_num_queries
):
    case = CaseFactory(area=llr)
    request = FormRequestFactory(case=case, due_on=_days(-2))
    FormRequestFactory(case=case, status="submitted", submitted_at=timezone.now())
    http = RequestFactory().get("/")
    http.user = alice
    with django_assert_num_queries(2):  # the requests, and the user's roles (then cached)
        section = agency_forms_section(http, case)
    assert section is not None
    html = render_to_string("agencyforms/_case_section.html", {"case": case, "section": section})
    assert "Waiting for 1 Reporting Form." in html
    assert request.organisation.name in html
    assert "2 days overdue" in html
    assert "Request Reporting Forms" in html


def test_the_case_has_a_reporting_forms_section_page(client_for, alice, llr):
    from cdop.cases.sections import section_url

    case = CaseFactory(area=llr)
    request = FormRequestFactory(case=case)
    page = client_for(alice).get(section_url(case, "agency-forms"))
    assert page.status_code == 200
    assert request.organisation.name in page.content.decode()
