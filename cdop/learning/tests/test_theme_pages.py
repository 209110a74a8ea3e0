"""The themes and their anonymised learning: every role of the area reads them; nothing on a
theme's page names the child or the family, gives a date of birth, an NHS number, an address
or a reference; reading a page is audited; other areas' readers get a 404."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from cdop.cases.workflow import Status
from cdop.investigations.tests.helpers import opened_case
from cdop.learning.models import Theme
from cdop.learning.selectors import age_group
from cdop.learning.services import theme_create
from cdop.learning.tests.helpers import IDENTIFIERS, identifiable_case, tag

pytestmark = pytest.mark.django_db

SAFE_SLEEP = "/staff/learning/llr/themes/safe-sleep/"


@pytest.mark.parametrize("persona", ["pat", "chris", "alice", "kim", "devi", "ada"])
def test_no_identifier_of_a_tagged_case_reaches_the_theme_page(client_for, request, llr, persona):
    case = identifiable_case(llr)
    tag(case, "safe-sleep", note="Zephyrine shared a bed with Marigold")

    page = client_for(request.getfixturevalue(persona)).get(SAFE_SLEEP)

    assert page.status_code == 200
    for identifier in (*IDENTIFIERS, case.reference):
        assert identifier.lower() not in page.text.lower(), identifier
    # The learning itself is there, generalised.
    assert "Review 1" in page.text
    assert "was found in an adult bed" in page.text
    assert "the mother" in page.text.lower()
    assert "Health visitors to repeat advice to the mother" in page.text
    assert "Synthetic Maternity Services" in page.text  # the action's owner organisation
    assert "Under 1 year" in page.text
    assert "Sudden unexpected, unexplained death" in page.text


def test_reading_a_theme_page_is_audited_with_the_cases_shown(client_for, pat, llr):
    case = identifiable_case(llr)
    tag(case, "safe-sleep")

    client_for(pat).get(SAFE_SLEEP)

    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Theme), action=LogEntry.Action.ACCESS
    )
    assert entry.actor == pat
    assert entry.additional_data["area_id"] == llr.pk
    assert entry.additional_data["cases"] == [case.reference]


def test_the_index_counts_the_areas_tagged_and_reviewed_cases_only(
    client_for, pat, llr, other_area
):
    tag(opened_case(area=llr, status=Status.FINALISED), "water-safety")
    tag(opened_case(area=llr, status=Status.AWAITING_PANEL), "water-safety")
    tag(opened_case(area=llr, status=Status.MERGED), "water-safety")
    tag(opened_case(area=other_area, status=Status.FINALISED), "water-safety")

    page = client_for(pat).get("/staff/learning/")

    assert page.status_code == 200
    row = page.text.split('href="/staff/learning/llr/themes/water-safety/"')[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:3]]
    assert cells == ["2", "1"]
    assert "Demo Shire" not in page.text


def test_someone_without_a_role_or_from_another_area_gets_a_404(client_for, olu, llr):
    tag(identifiable_case(llr), "safe-sleep")
    client = client_for(olu)

    assert client.get(SAFE_SLEEP).status_code == 404
    assert "Leicester" not in client.get("/staff/learning/").text


def test_an_unknown_theme_or_another_areas_own_theme_is_a_404(client_for, pat, olu, other_area):
    theirs = theme_create(area=other_area, by=olu, name="Farm machinery")
    client = client_for(pat)

    assert client.get("/staff/learning/llr/themes/no-such-theme/").status_code == 404
    assert client.get(f"/staff/learning/llr/themes/{theirs.slug}/").status_code == 404
    assert client.get("/staff/learning/nowhere/themes/safe-sleep/").status_code == 404


def test_a_long_theme_is_paged_and_labels_continue(client_for, pat, llr):
    for _ in range(21):
        tag(opened_case(area=llr, status=Status.FINALISED), "road-safety")
    client = client_for(pat)

    first = client.get("/staff/learning/llr/themes/road-safety/")
    second = client.get("/staff/learning/llr/themes/road-safety/?page=2")
    nonsense = client.get("/staff/learning/llr/themes/road-safety/?page=%C2%B2")

    assert "Review 20" in first.text
    assert "Review 21" not in first.text
    assert "Review 21" in second.text
    assert "Review 1<" not in second.text
    assert nonsense.status_code == 200
    assert "Review 1<" in nonsense.text


def test_a_manager_adds_an_area_theme_and_it_is_offered_for_tagging(client_for, alice, llr):
    client = client_for(alice)

    response = client.post(
        "/staff/learning/llr/add-theme/", {"name": "Dog bites", "description": "Family pets"}
    )

    assert response.status_code == 302
    own = Theme.objects.get(area=llr, slug="dog-bites")
    assert own.created_by == alice
    case = opened_case(area=llr, status=Status.FINALISED)
    assert "Dog bites" in client.get(f"/staff/cases/{case.reference}/learning/").text
    assert "Dog bites" in client.get("/staff/learning/").text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the theme&#x27;s name"),
        ("Safe sleep", "There is already a theme with this name"),
        ("x" * 101, "The name must be 100 characters or fewer"),
        ("!!!", "The name must include letters or numbers"),
    ],
)
def test_a_bad_theme_name_is_refused(client_for, alice, llr, name, message):
    response = client_for(alice).post("/staff/learning/llr/add-theme/", {"name": name})

    assert response.status_code == 400
    assert message in response.text
    assert not Theme.objects.filter(area=llr).exists()


def test_panel_members_cannot_add_themes_and_national_themes_are_not_edited(client_for, pat, alice):
    assert client_for(pat).get("/staff/learning/llr/add-theme/").status_code == 404
    assert client_for(alice).get("/staff/learning/llr/themes/safe-sleep/change/").status_code == 404


def test_a_manager_retires_an_area_theme(client_for, alice, llr):
    client = client_for(alice)
    client.post("/staff/learning/llr/add-theme/", {"name": "Dog bites"})

    response = client.post(
        "/staff/learning/llr/themes/dog-bites/change/", {"name": "Dog bites", "description": ""}
    )

    assert response.status_code == 302
    assert Theme.objects.get(area=llr, slug="dog-bites").active is False


@pytest.mark.parametrize(
    ("born", "died", "group"),
    [
        ((2025, 1, 1), (2025, 12, 31), "Under 1 year"),
        ((2025, 1, 1), (2026, 1, 1), "1 to 4 years"),
        ((2010, 6, 2), (2025, 6, 1), "10 to 14 years"),
        ((2010, 6, 1), (2025, 6, 1), "15 to 17 years"),
    ],
)
def test_ages_are_shown_in_the_national_reports_bands(born, died, group):
    import datetime

    assert age_group(datetime.date(*born), datetime.date(*died)) == group


def test_the_index_and_a_theme_page_take_a_bounded_number_of_queries(
    client_for, pat, llr, django_assert_max_num_queries
):
    for _ in range(4):
        tag(identifiable_case(llr), "safe-sleep")
    client = client_for(pat)
    client.get("/staff/learning/")  # the session and the roles cached

    with django_assert_max_num_queries(12):
        client.get("/staff/learning/")
    # A fixed number for the page, and the papers' five a case for its identifiers.
    with django_assert_max_num_queries(16 + 5 * 4):
        assert "Review 4" in client.get(SAFE_SLEEP).text
