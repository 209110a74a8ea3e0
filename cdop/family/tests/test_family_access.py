"""Who reaches the family's pages: a matrix of every page against every persona.

Anyone who may not read the case gets the same 404 as for a case that does not exist, on
every page, for GET and POST: olu (another area), chris and pat (the panel), kim when she
is not this family's key worker, and a key worker of another area.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern

from cdop.accounts.models import Role
from cdop.cases.models import Case
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import staff_member
from cdop.family import urls as family_urls
from cdop.family.models import DateToAvoid, FamilyContact, FamilyMember, FamilyQuestion
from cdop.family.tests.factories import (
    DateToAvoidFactory,
    FamilyContactFactory,
    FamilyMemberFactory,
    FamilyQuestionFactory,
)

pytestmark = pytest.mark.django_db

ROUTES = [str(p.pattern) for p in family_urls.urlpatterns if isinstance(p, URLPattern)]


@pytest.fixture
def case(llr, kim, alice) -> Case:
    case = CaseFactory(area=llr, reference="LLR-2026-0077")
    FamilyContactFactory(case=case, staff=alice)
    FamilyMemberFactory(case=case)
    DateToAvoidFactory(case=case)
    FamilyQuestionFactory(case=case)
    return case


def fill(case: Case, route: str) -> str:
    pks = {
        "contacts/": FamilyContact.objects.get(case=case).pk,
        "members/": FamilyMember.objects.get(case=case).pk,
        "dates-to-avoid/": DateToAvoid.objects.get(case=case).pk,
        "questions/": FamilyQuestion.objects.get(case=case).pk,
    }
    for prefix, pk in pks.items():
        if route.startswith(prefix):
            route = route.replace("<int:pk>", str(pk))
    route = route.replace("<str:kind>", "first_contact")
    return f"/staff/cases/{case.reference}/family/{route}"


@pytest.fixture
def kay(other_area):
    """A key worker in another area."""
    return staff_member("kay@demo.invalid", "Kay Otherarea", other_area, Role.KEY_WORKER)


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim", "kay"])
@pytest.mark.parametrize("route", ROUTES)
def test_someone_who_may_not_read_the_case_gets_404_on_every_family_page(
    case, client_for, request, persona, route
):
    client = client_for(request.getfixturevalue(persona))
    address = fill(case, route)

    assert client.get(address).status_code in {404, 405}
    assert client.post(address, {"key_worker": "", "download": "1"}).status_code == 404
    # Nothing was changed or removed on the way.
    assert FamilyMember.objects.filter(case=case).count() == 1
    assert DateToAvoid.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.key_worker_id is None


@pytest.mark.parametrize("route", ROUTES)
def test_the_family_s_own_key_worker_reaches_every_page_but_choosing_the_key_worker(
    case, client_for, alice, kim, route
):
    case.key_worker = kim
    case.save()
    expected = {404} if route == "key-worker/" else {200, 405}

    assert client_for(kim).get(fill(case, route)).status_code in expected


@pytest.mark.parametrize("route", ROUTES)
def test_the_review_team_reaches_every_page(case, client_for, alice, devi, ada, route):
    for person in (alice, devi, ada):
        assert client_for(person).get(fill(case, route)).status_code in {200, 405}
