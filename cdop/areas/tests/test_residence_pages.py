"""The staff page "Check a postcode"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cdop.accounts.models import Role, User
from cdop.areas.models import Area, Postcode
from cdop.areas.tests.test_residence_decide import directory, real_rows  # noqa: F401
from cdop.core.tests.factories import MembershipFactory

URL = "/staff/postcodes/"
pytestmark = pytest.mark.usefixtures("directory")


def test_the_page_has_one_postcode_field(client_for: Callable[[User], Client], alice: User) -> None:
    response = client_for(alice).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Check a postcode" in body
    assert 'name="postcode"' in body
    assert 'name="area"' not in body  # alice works in one area


def test_checking_shows_the_decision_in_a_summary_list(
    client_for: Callable[[User], Client], alice: User
) -> None:
    response = client_for(alice).post(URL, {"postcode": " le12  6aa"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h2 class="govuk-heading-m">LE12 6AA</h2>' in body
    assert "govuk-summary-list" in body
    assert "Resident in another English area" in body
    assert "Rushcliffe Borough Council (E07000176)" in body
    assert "Nottinghamshire County Council (E10000024)" in body
    assert "LE12 6AA is in the area of Rushcliffe Borough Council" in body


def test_checking_records_nothing(client_for: Callable[[User], Client], alice: User) -> None:
    before = Postcode.objects.count()
    client_for(alice).post(URL, {"postcode": "LE1 5WW"})
    assert Postcode.objects.count() == before


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode"),
        ("LE1", "Enter a full postcode, like LE1 5WW"),
        ("x" * 100, "Enter a real postcode, like LE1 5WW"),
    ],
)
def test_bad_input_is_a_field_error_with_400(
    client_for: Callable[[User], Client], alice: User, postcode: str, message: str
) -> None:
    response = client_for(alice).post(URL, {"postcode": postcode})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "govuk-error-summary" in body


def test_a_well_formed_postcode_not_in_the_directory_is_unknown(
    client_for: Callable[[User], Client], alice: User
) -> None:
    response = client_for(alice).post(URL, {"postcode": "LE1 9ZZ"})
    assert response.status_code == 200
    assert "Not known: a person decides" in response.content.decode()


def test_someone_in_two_areas_chooses_which_panel_they_decide_as(
    client_for: Callable[[User], Client], alice: User, llr: Area, other_area: Area
) -> None:
    MembershipFactory(user=alice, area=other_area, role=Role.KEY_WORKER)
    client = client_for(alice)
    assert 'name="area"' in client.get(URL).content.decode()
    response = client.post(URL, {"postcode": "LE1 5WW", "area": other_area.pk})
    assert "outside Demo Shire" in response.content.decode()
    response = client.post(URL, {"postcode": "LE1 5WW", "area": llr.pk})
    assert "this panel reviews" in response.content.decode()


@pytest.mark.parametrize("persona", ["kim", "devi", "ada"])
def test_every_case_reader_may_check(
    client_for: Callable[[User], Client], persona: str, request: pytest.FixtureRequest
) -> None:
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["pat", "chris"])
def test_panel_members_get_404(
    client_for: Callable[[User], Client], persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"postcode": "LE1 5WW"}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
