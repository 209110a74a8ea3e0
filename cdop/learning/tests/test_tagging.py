"""Tagging a case with learning themes: the people who run cases add and remove themes (from
a list, with suggestions from the review), every change is audited, everyone else gets a 404,
and bad input a clear 400."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from cdop.accounts.models import Role
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.core.tests.factories import MembershipFactory
from cdop.investigations.tests.helpers import opened_case
from cdop.learning.models import CaseTheme, Theme
from cdop.learning.services import case_themes_set, theme_create
from cdop.learning.tests.helpers import identifiable_case, tag

pytestmark = pytest.mark.django_db


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug, area__isnull=True)


def url(case: Case) -> str:
    return f"/staff/cases/{case.reference}/learning/"


@pytest.fixture
def case(llr: object) -> Case:
    return identifiable_case(llr)


def test_the_national_starter_list_is_loaded_with_its_suggestions(db: None) -> None:
    national = Theme.objects.filter(area__isnull=True)

    assert national.count() >= 12
    assert {"safe-sleep", "water-safety", "suicide-prevention", "road-safety"} <= set(
        national.values_list("slug", flat=True)
    )
    assert "sudden_unexpected_unexplained" in theme("safe-sleep").suggested_for


def test_alice_tags_a_case_with_two_themes_and_each_tag_is_audited(client_for, alice, case):
    response = client_for(alice).post(
        url(case),
        {"themes": [theme("safe-sleep").pk, theme("maternal-smoking").pk], "note": "Co-sleeping"},
    )

    assert response.status_code == 302
    tags = CaseTheme.objects.filter(case=case).order_by("theme__slug")
    assert [t.theme.slug for t in tags] == ["maternal-smoking", "safe-sleep"]
    assert all(t.tagged_by == alice and t.note == "Co-sleeping" for t in tags)
    assert all(t.area_id == case.area_id for t in tags)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CaseTheme), action=LogEntry.Action.CREATE
    )
    assert entries.count() == 2
    assert all(e.actor == alice and e.additional_data["area_id"] == case.area_id for e in entries)


def test_unticking_a_theme_removes_its_tag_and_the_removal_is_audited(client_for, devi, case):
    tag(case, "safe-sleep")
    kept = tag(case, "maternal-smoking")

    response = client_for(devi).post(url(case), {"themes": [kept.theme_id]}, follow=True)

    assert "No longer tagged with Safe sleep" in response.text
    assert list(CaseTheme.objects.filter(case=case)) == [kept]
    removed = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(CaseTheme), action=LogEntry.Action.DELETE
    )
    assert removed.actor == devi


def test_the_page_suggests_themes_from_the_category_of_death_but_tags_nothing(
    client_for, alice, case
):
    page = client_for(alice).get(url(case))

    assert page.status_code == 200
    assert "Suggested: the category of death is Sudden unexpected, unexplained death" in page.text
    assert not CaseTheme.objects.filter(case=case).exists()


def test_reading_the_page_is_audited(client_for, alice, case):
    client_for(alice).get(url(case))

    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Case), action=LogEntry.Action.ACCESS
    )
    assert entry.actor == alice
    assert entry.object_pk == str(case.pk)


@pytest.mark.parametrize("persona", ["pat", "chris", "kim", "olu"])
def test_nobody_else_reaches_the_page_or_can_tag(client_for, request, persona, case):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"themes": [theme("safe-sleep").pk]}).status_code == 404
    assert not CaseTheme.objects.exists()


def test_the_cases_key_worker_reads_its_themes_but_cannot_tag(client_for, kim, case):
    case.key_worker = kim
    case.save()
    tag(case, "safe-sleep")
    client = client_for(kim)

    page = client.get(url(case))

    assert page.status_code == 200
    assert "Safe sleep" in page.text
    assert "Save themes" not in page.text
    assert client.post(url(case), {"themes": []}).status_code == 404
    assert CaseTheme.objects.filter(case=case).count() == 1


def test_the_service_refuses_a_role_that_may_not_tag(pat, case):
    with pytest.raises(DomainError, match="does not allow"):
        case_themes_set(case=case, by=pat, theme_ids=[theme("safe-sleep").pk])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"themes": ["not-a-number"]}, "Choose themes from the list"),
        ({"themes": ["99999999"]}, "Choose themes from the list"),
        ({"themes": [], "note": "x" * 1001}, "The note must be 1000 characters or fewer"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client_for, alice, case, data, message):
    response = client_for(alice).post(url(case), data)

    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text
    assert not CaseTheme.objects.exists()


def test_another_areas_theme_cannot_be_given_to_the_case(client_for, alice, olu, other_area, case):
    theirs = theme_create(area=other_area, by=olu, name="Farm machinery")

    response = client_for(alice).post(url(case), {"themes": [theirs.pk]})

    assert response.status_code == 400
    assert "Choose themes from the list" in response.text
    assert not CaseTheme.objects.exists()


def test_a_finalised_review_can_still_be_tagged(client_for, alice, llr):
    finalised = opened_case(area=llr, status=Status.FINALISED)

    response = client_for(alice).post(url(finalised), {"themes": [theme("water-safety").pk]})

    assert response.status_code == 302
    assert CaseTheme.objects.get(case=finalised).theme.slug == "water-safety"


def test_a_merged_case_cannot_be_tagged_and_the_page_says_why(client_for, alice, llr):
    merged = opened_case(area=llr, status=Status.MERGED)

    response = client_for(alice).post(url(merged), {"themes": [theme("water-safety").pk]})

    assert response.status_code == 400
    assert "This case cannot be tagged: it was merged into another case" in response.text
    assert not CaseTheme.objects.exists()


def test_an_inactive_theme_is_no_longer_offered_but_an_existing_tag_stays(client_for, alice, case):
    own = theme_create(area=case.area, by=alice, name="Dog bites")
    CaseTheme.objects.create(
        case=case, theme=own, area=case.area, tagged_by=alice, tagged_at=case.opened_at
    )
    own.active = False
    own.save()
    other = opened_case(area=case.area, status=Status.FINALISED)
    client = client_for(alice)

    assert "Dog bites (this area&#x27;s)" not in client.get(url(other)).text
    assert "Dog bites" in client.get(url(case)).text
    # Saving the case's other themes keeps it while it stays ticked.
    client.post(url(case), {"themes": [own.pk, theme("safe-sleep").pk]})
    assert set(CaseTheme.objects.filter(case=case).values_list("theme__slug", flat=True)) == {
        "dog-bites",
        "safe-sleep",
    }
    # ...and another case cannot be given it.
    assert client.post(url(other), {"themes": [own.pk]}).status_code == 400


def test_the_case_section_lists_the_themes_and_suggestions(client_for, alice, case):
    tag(case, "maternal-smoking")

    page = client_for(alice).get(f"/staff/cases/{case.reference}/section/learning/")

    assert page.status_code == 200
    assert "Smoking in pregnancy and around children" in page.text
    assert "Suggested: Safe sleep" in page.text
    assert url(case) in page.text


def test_an_administrator_in_another_role_elsewhere_still_cannot_tag_here(client_for, olu, case):
    MembershipFactory(user=olu, area=case.area, role=Role.PANEL_MEMBER)

    assert client_for(olu).post(url(case), {"themes": [theme("safe-sleep").pk]}).status_code == 404
