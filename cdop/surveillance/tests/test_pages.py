"""The dashboard and the deaths behind a signal: who sees what, bad input, the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from cdop.accounts.models import Role, User
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.core.tests.factories import MembershipFactory, NotificationFactory
from cdop.surveillance.tests.factories import cluster, days_ago, history

pytestmark = pytest.mark.django_db

INDEX = reverse("surveillance:index")
ClientFor = Callable[[User], Client]


def _group_url(area: Area, code: str = "infant") -> str:
    return reverse("surveillance:group", kwargs={"area": area.slug, "group": code})


@pytest.fixture
def infant_cluster(llr: Area) -> list[Case]:
    history(llr)
    return cluster(llr, 6)


def test_a_cdr_manager_sees_every_group_with_its_result_in_plain_words(
    client_for: ClientFor, alice: User, infant_cluster: list[Case]
) -> None:
    response = client_for(alice).get(INDEX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Surveillance: recent deaths against the area’s history" in page
    for label in ("All deaths", "Infants (under 1 year)", "Suspected suicide or self-harm"):
        assert label in page
    assert "6 infant deaths in the last 90 days." in page
    assert "We would expect about 1.0 in 90 days, from the last" in page
    assert 'govuk-tag--red">Unusual' in page
    assert 'govuk-tag--green">No concern' in page
    assert "may not all be notified yet" in page
    assert "<svg" in page
    assert "<polyline" in page
    # Figures only: no child is named, and no case reference is on the dashboard.
    for case in infant_cluster:
        assert case.child_last_name not in page
        assert case.reference not in page
    # The flagged group links to its deaths, for someone who reads the area's cases.
    assert f"{_group_url(infant_cluster[0].area)}?window=90&amp;years=5" in page


def test_reading_the_dashboard_is_audited(
    client_for: ClientFor, alice: User, llr: Area, infant_cluster: list[Case]
) -> None:
    client_for(alice).get(INDEX, {"window": "60", "years": "3"})
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Area), action=LogEntry.Action.ACCESS
    )
    assert entry.actor == alice
    assert entry.object_pk == str(llr.pk)
    assert entry.additional_data == {
        "area_id": llr.pk,
        "surveillance": {"window_days": 60, "years": 3, "group": ""},
    }


def test_the_window_and_the_history_can_be_chosen(
    client_for: ClientFor, alice: User, infant_cluster: list[Case]
) -> None:
    page = client_for(alice).get(INDEX, {"window": "30", "years": "2"}).content.decode()
    assert "in the last 30 days" in page
    assert '<option value="30" selected>' in page
    assert '<option value="2" selected>' in page
    assert "from the last 2 years" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"window": "45"}, "Choose a window of 30, 60, 90, 180 days"),
        ({"window": "ninety"}, "Choose a window of 30, 60, 90, 180 days"),
        ({"years": "100"}, "Choose 1, 2, 3, 5, 10 years of history"),
    ],
)
def test_a_window_not_offered_is_a_clear_400(
    client_for: ClientFor, alice: User, llr: Area, query: dict[str, str], message: str
) -> None:
    response = client_for(alice).get(INDEX, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "Watched groups" not in page
    response = client_for(alice).get(_group_url(llr), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_panel_chair_reads_the_figures_but_not_the_cases(
    client_for: ClientFor, chris: User, llr: Area, infant_cluster: list[Case]
) -> None:
    client = client_for(chris)
    page = client.get(INDEX).content.decode()
    assert "6 infant deaths in the last 90 days." in page
    assert _group_url(llr) not in page
    assert client.get(_group_url(llr)).status_code == 404


@pytest.mark.parametrize("persona", ["pat", "kim", "charlie"])
def test_others_in_the_area_and_people_without_a_role_get_404(
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    llr: Area,
    persona: str,
    infant_cluster: list[Case],
) -> None:
    from conftest import give_totp

    user = request.getfixturevalue(persona)
    if persona == "charlie":
        give_totp(user)  # past the second-factor set-up, to the page itself
    client = client_for(user)
    assert client.get(INDEX).status_code == 404
    assert client.get(INDEX, {"area": "llr"}).status_code == 404
    assert client.get(_group_url(llr)).status_code == 404


def test_another_areas_manager_gets_404_for_this_area(
    client_for: ClientFor, olu: User, llr: Area, infant_cluster: list[Case]
) -> None:
    client = client_for(olu)
    assert client.get(INDEX, {"area": "llr"}).status_code == 404
    assert client.get(_group_url(llr)).status_code == 404
    # Their own area: no deaths recorded, so nothing to compare with.
    page = client.get(INDEX).content.decode()
    assert "Not enough history" in page
    assert "6 infant deaths" not in page


def test_an_area_that_does_not_exist_is_404(client_for: ClientFor, alice: User) -> None:
    client = client_for(alice)
    assert client.get(INDEX, {"area": "nowhere"}).status_code == 404
    assert client.get(INDEX, {"area": "x" * 500}).status_code == 404
    response = client.get(reverse("surveillance:group", kwargs={"area": "llr", "group": "nope"}))
    assert response.status_code == 404


def test_someone_in_two_areas_chooses_between_them(
    client_for: ClientFor, alice: User, llr: Area, other_area: Area
) -> None:
    MembershipFactory(user=alice, area=other_area, role=Role.DESIGNATED_DOCTOR)
    client = client_for(alice)
    page = client.get(INDEX).content.decode()
    assert 'name="area"' in page
    assert f'<option value="{other_area.slug}"' in page
    assert other_area.name in client.get(INDEX, {"area": other_area.slug}).content.decode()


def test_the_deaths_behind_a_signal_are_listed_and_each_read_is_audited(
    client_for: ClientFor, devi: User, llr: Area, infant_cluster: list[Case]
) -> None:
    waiting = NotificationFactory(
        area=llr,
        date_of_death=days_ago(1),
        child_date_of_birth=days_ago(10),
        child_nhs_number="9990000050",
    )
    response = client_for(devi).get(_group_url(llr), {"window": "90"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "7 deaths" in page
    for case in infant_cluster:
        assert case.reference in page
        assert case.get_absolute_url() in page
    assert waiting.reference in page
    assert "Notification awaiting triage" in page
    assert "9 days" in page  # the notified child's age at death
    # References, not names: the case page has the rest.
    assert infant_cluster[0].child_last_name not in page
    viewed = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=devi)
    case_type = ContentType.objects.get_for_model(Case)
    assert {e.object_pk for e in viewed.filter(content_type=case_type)} == {
        str(c.pk) for c in infant_cluster
    }
    assert viewed.filter(object_pk=str(waiting.pk), object_repr=waiting.reference).exists()
    assert viewed.filter(additional_data__surveillance__group="infant").exists()


def test_cases_of_the_history_are_not_in_the_list(
    client_for: ClientFor, alice: User, llr: Area, infant_cluster: list[Case]
) -> None:
    page = client_for(alice).get(_group_url(llr), {"window": "30"}).content.decode()
    listed = [c for c in infant_cluster if c.reference in page]
    assert len(listed) == 3  # died 5, 15 and 25 days ago
    older = Case.objects.filter(area=llr, date_of_death__lt=days_ago(29))
    assert not any(c.reference in page for c in older)


def test_an_area_already_found_readable_is_not_looked_up_again(
    alice: User, olu: User, llr: Area, django_assert_num_queries: Callable[..., object]
) -> None:
    from django.http import Http404

    from cdop.surveillance.selectors import (
        surveillance_area_get_for_user,
        surveillance_areas_for_user,
    )

    readable = surveillance_areas_for_user(user=alice)
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert surveillance_area_get_for_user(user=alice, slug="llr", readable=readable) == llr
    # An area not among them is still asked for, and refused to someone who may not read it.
    with pytest.raises(Http404):
        surveillance_area_get_for_user(user=olu, slug="llr", readable=readable[:0])
