"""The area's public learning page: it exists only once an approver turns it on; it shows
suppressed counts of completed reviews (1 to 4 as "<5") and approved words only; drafts and
unpublished words never; approvers alone reach its staff pages."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from cdop.cases.workflow import Status
from cdop.investigations.tests.helpers import opened_case
from cdop.learning.models import PublicLearning, PublicLearningSetting, Theme
from cdop.learning.selectors import public_figures_until
from cdop.learning.services import public_learning_switch, public_text_identifiers
from cdop.learning.tests.conftest import LONDON
from cdop.learning.tests.helpers import identifiable_case, tag

pytestmark = pytest.mark.django_db

PUBLIC = "/llr/learning/"
ADMIN = "/staff/learning/llr/public/"
SAFE_SLEEP_TEXT = "/staff/learning/llr/public/safe-sleep/"
# Completed before 1 April 2026, the start of the reporting year of "today" (1 March 2027).
LAST_YEAR = datetime.datetime(2026, 2, 1, 12, 0, tzinfo=LONDON)


def completed(area, slug: str, n: int, *, at: datetime.datetime = LAST_YEAR) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        tag(opened_case(area=area, status=Status.FINALISED, finalised_at=at), slug)


@pytest.fixture
def on(llr, ada):  # type: ignore[no-untyped-def]
    public_learning_switch(area=llr, by=ada, enabled=True)
    return llr


def test_the_page_does_not_exist_until_it_is_turned_on(llr, ada):
    assert Client().get(PUBLIC).status_code == 404
    public_learning_switch(area=llr, by=ada, enabled=False)
    assert Client().get(PUBLIC).status_code == 404

    public_learning_switch(area=llr, by=ada, enabled=True)

    page = Client().get(PUBLIC)
    assert page.status_code == 200
    assert "Learning from child death reviews" in page.text
    # The public layout, not the staff one.
    assert "Contact the review team" in page.text


def test_an_unknown_or_inactive_area_has_no_learning_page(on, other_area, ada):
    assert Client().get("/nowhere/learning/").status_code == 404
    on.is_active = False
    on.save()
    assert Client().get(PUBLIC).status_code == 404


def test_the_areas_other_public_pages_still_open(on):
    assert Client().get("/llr/about/").status_code == 200


def test_counts_of_1_to_4_are_shown_as_fewer_than_5_and_larger_ones_as_they_are(on, other_area):
    completed(on, "safe-sleep", 3)
    completed(on, "water-safety", 6)
    completed(on, "road-safety", 1)
    completed(other_area, "road-safety", 9)  # another area's reviews count for nothing here

    page = Client().get(PUBLIC).text

    def count(name: str) -> str:
        return page.split(f">{name}</th>")[1].split("</td>")[0].split(">")[-1]

    assert count("Safe sleep") == "&lt;5"
    assert count("Water safety") == "6"
    assert count("Road safety") == "&lt;5"
    assert ">3<" not in page
    assert ">1<" not in page
    assert "Reviews completed by 31 March 2026" in page


def test_only_reviews_completed_before_the_reporting_year_are_counted(on):
    completed(on, "water-safety", 5)
    completed(on, "water-safety", 2, at=datetime.datetime(2026, 6, 1, tzinfo=LONDON))
    tag(opened_case(area=on, status=Status.PANEL_REVIEWED), "water-safety")
    tag(opened_case(area=on, status=Status.AWAITING_PANEL), "water-safety")

    page = Client().get(PUBLIC).text

    assert page.split(">Water safety</th>")[1].split("</td>")[0].endswith(">5")
    assert public_figures_until(datetime.date(2026, 3, 31)) == datetime.date(2025, 4, 1)
    assert public_figures_until(datetime.date(2026, 4, 1)) == datetime.date(2026, 4, 1)


def test_a_draft_is_never_public_and_approved_words_are(client_for, alice, on):
    completed(on, "safe-sleep", 5)
    client = client_for(alice)

    client.post(SAFE_SLEEP_TEXT, {"action": "save", "text": "Draft words not yet agreed."})
    assert "Draft words not yet agreed" not in Client().get(PUBLIC).text

    response = client.post(
        SAFE_SLEEP_TEXT, {"action": "approve", "text": "Babies sleep safest on their **back**."}
    )
    assert response.status_code == 302
    page = Client().get(PUBLIC).text
    assert "Babies sleep safest on their <strong>back</strong>." in page

    # A new draft leaves the approved words in place until it too is approved.
    client.post(SAFE_SLEEP_TEXT, {"action": "save", "text": "A rewrite in progress."})
    page = Client().get(PUBLIC).text
    assert "A rewrite in progress" not in page
    assert "Babies sleep safest" in page
    row = PublicLearning.objects.get(area=on, theme__slug="safe-sleep")
    assert row.approved_by == alice
    assert row.published
    assert row.draft == "A rewrite in progress."


def test_unpublishing_takes_the_words_off_at_once(client_for, ada, on):
    client = client_for(ada)
    client.post(SAFE_SLEEP_TEXT, {"action": "approve", "text": "Babies sleep safest alone."})

    response = client.post(SAFE_SLEEP_TEXT, {"action": "unpublish", "text": ""})

    assert response.status_code == 302
    assert "Babies sleep safest alone" not in Client().get(PUBLIC).text
    assert PublicLearning.objects.get(area=on).approved_text == "Babies sleep safest alone."


def test_public_words_are_sanitised(client_for, ada, on):
    client_for(ada).post(
        SAFE_SLEEP_TEXT,
        {
            "action": "approve",
            "text": "Read <script>alert(1)</script> [advice](javascript:alert(2)) "
            '<img src=x onerror="alert(3)">',
        },
    )

    page = Client().get(PUBLIC).text
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert "onerror" not in page


def test_words_naming_a_tagged_cases_child_cannot_be_approved(client_for, alice, on):
    tag(identifiable_case(on), "safe-sleep")

    response = client_for(alice).post(
        SAFE_SLEEP_TEXT,
        {"action": "approve", "text": "We learned from the death of Zephyrine Quillfeather."},
    )

    assert response.status_code == 400
    assert "The text contains the name of a child or family member" in response.text
    assert not PublicLearning.objects.filter(published=True).exists()
    assert "Quillfeather" not in Client().get(PUBLIC).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "approve", "text": ""}, "Enter the text to approve"),
        ({"action": "approve", "text": "x" * 5001}, "The text must be 5000 characters or fewer"),
        ({"action": "publish-everything", "text": "Hello"}, "Choose to save the draft"),
        ({"action": "unpublish", "text": ""}, "The text is not on the public page"),
    ],
)
def test_bad_input_on_the_words_page_is_refused(client_for, alice, on, data, message):
    response = client_for(alice).post(SAFE_SLEEP_TEXT, data)

    assert response.status_code == 400
    assert message in response.text
    assert not PublicLearning.objects.filter(published=True).exists()


def test_an_approver_turns_the_page_on_and_off_and_it_is_audited(client_for, alice, llr):
    client = client_for(alice)

    assert client.post(ADMIN, {"enabled": "on"}).status_code == 302
    assert Client().get(PUBLIC).status_code == 200
    assert client.post(ADMIN, {"enabled": "off"}).status_code == 302
    assert Client().get(PUBLIC).status_code == 404
    assert client.post(ADMIN, {"enabled": "sideways"}).status_code == 400

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PublicLearningSetting)
    )
    assert entries.count() == 2
    assert all(e.actor == alice for e in entries)


@pytest.mark.parametrize("persona", ["devi", "kim", "chris", "pat", "olu"])
def test_only_the_areas_administrators_and_cdr_managers_reach_the_approvers_pages(
    client_for, request, persona, llr
):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(ADMIN).status_code == 404
    assert client.post(ADMIN, {"enabled": "on"}).status_code == 404
    assert client.get(SAFE_SLEEP_TEXT).status_code == 404
    assert client.post(SAFE_SLEEP_TEXT, {"action": "approve", "text": "Hi"}).status_code == 404
    assert not PublicLearningSetting.objects.exists()
    assert not PublicLearning.objects.exists()


def test_the_approvers_page_shows_the_public_figure_beside_the_real_one(client_for, ada, on):
    completed(on, "choking", 2)

    page = client_for(ada).get(ADMIN).text

    row = page.split(">Choking and airway</a>")[1].split("</tr>")[0]
    assert ">2<" in row
    assert "&lt;5" in row


def test_a_theme_without_reviews_or_words_is_not_listed(on):
    completed(on, "fire-safety", 5)

    page = Client().get(PUBLIC).text

    assert "Fire safety" in page
    assert "Water safety" not in page
    assert Theme.objects.filter(area__isnull=True).count() > 2


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("Marigold Quillfeather told us how it happened.", "the name of a child or family member"),
        ("The child (NHS 999 471 3582) died at home.", "an NHS number"),
        ("Born on 14/02/2025 in the city.", "a date of birth"),
        ("Near LE2 7QQ the roads are busy.", "a postcode"),
    ],
)
def test_any_identifier_of_a_tagged_case_stops_the_approval(client_for, alice, on, words, kind):
    tag(identifiable_case(on), "safe-sleep")

    response = client_for(alice).post(SAFE_SLEEP_TEXT, {"action": "approve", "text": words})

    assert response.status_code == 400
    assert f"The text contains {kind}" in response.text
    assert not PublicLearning.objects.filter(published=True).exists()


def test_a_surname_that_is_an_ordinary_word_does_not_stop_the_approval(
    client_for, alice, on, django_assert_max_num_queries
):
    for _ in range(5):
        tag(opened_case(area=on, status=Status.FINALISED, child_last_name="Water"), "water-safety")
    theme = Theme.objects.get(slug="water-safety", area__isnull=True)
    # The check reads every tagged case in a fixed number of queries.
    with django_assert_max_num_queries(3):
        assert public_text_identifiers(area=on, theme=theme, text="Oliver Water drowned.") == [
            "name"
        ]

    response = client_for(alice).post(
        "/staff/learning/llr/public/water-safety/",
        {"action": "approve", "text": "Water safety lessons are now in every school."},
    )

    assert response.status_code == 302
    assert "Water safety lessons" in Client().get(PUBLIC).text
