"""Every page of a case, found by walking the URL configuration, against every persona.

New pages under /staff/cases/<reference>/ join the matrix by themselves. Anyone who may not
read the case gets the same 404 as for a case that does not exist, for GET and for POST,
whatever the rest of the address holds (a POST-only address may say 405 to a GET, as it does
for a case that does not exist): olu (another area), chris and pat (the panel work
from anonymised papers), kim (a key worker, but not this case's), and charlie (no role).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

REFERENCE = "LLR-2026-0042"
CONVERTER = re.compile(r"<(?:(?P<type>\w+):)?(?P<name>\w+)>")
SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.UUID(int=1)), "path": "x"}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def _fill(route: str) -> str:
    def value(match: re.Match[str]) -> str:
        if match["name"] == "reference":
            return REFERENCE
        return SAMPLE.get(match["type"] or "str", "x")

    return "/" + CONVERTER.sub(value, route)


def case_routes() -> list[str]:
    routes = {
        r
        for r in _routes(get_resolver().url_patterns)
        if r.startswith("staff/cases/<str:reference>/")
    }
    return sorted(routes)


CASE_ROUTES = case_routes()


@pytest.fixture
def llr_case(llr):
    return CaseFactory(area=llr, reference=REFERENCE)


def test_the_matrix_finds_the_case_pages():
    assert "staff/cases/<str:reference>/" in CASE_ROUTES
    assert len(CASE_ROUTES) >= 2


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
@pytest.mark.parametrize("route", CASE_ROUTES)
def test_someone_who_may_not_read_the_case_gets_404_on_every_page_of_it(
    llr_case, client_for, request, persona, route
):
    client = client_for(request.getfixturevalue(persona))
    url = _fill(route)
    missing = url.replace(REFERENCE, "LLR-2026-9999")

    assert client.post(url, {"anything": "x"}).status_code == 404
    # A page only for POST may answer a GET with 405, but then exactly as for a case that
    # does not exist: the answer tells nothing about the case.
    assert client.get(url).status_code in {404, 405}
    assert client.get(url).status_code == client.get(missing).status_code


@pytest.mark.parametrize("route", CASE_ROUTES)
def test_someone_signed_out_is_sent_to_sign_in_from_every_page_of_a_case(llr_case, route):
    url = _fill(route)

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("route", [r for r in CASE_ROUTES if len(CONVERTER.findall(r)) == 1])
def test_the_cdr_manager_reaches_every_page_of_her_case(llr_case, client_for, alice, route):
    response = client_for(alice).get(_fill(route))

    # 200 for a page; 405 for an address that only takes a POST; 302 for a page that
    # redirects (for example to the case's own section).
    assert response.status_code in {200, 302, 405}
