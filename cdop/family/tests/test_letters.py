"""Letters to the family: the area's wording, filled in safely, made into a PDF."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from cdop.cases.models import Case
from cdop.chronology.registry import chronology_for_case
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory
from cdop.family import services
from cdop.family.letters import letter_body_html
from cdop.family.models import Letter, LetterTemplate
from cdop.family.tests.factories import (
    FamilyContactFactory,
    FamilyMemberFactory,
    FamilyProfileFactory,
    FamilyQuestionFactory,
)

pytestmark = pytest.mark.django_db

INTERNAL = "INTERNAL-NOTE-never-for-the-family"


@pytest.fixture
def case(llr, alice, kim) -> Case:
    case = CaseFactory(area=llr, child_first_name="Oliver")
    services.case_assign_key_worker(case=case, by=alice, key_worker=kim, phone="07700 900123")
    case.refresh_from_db()
    FamilyProfileFactory(case=case, family_name="Sarah and James Example", other_needs=INTERNAL)
    FamilyContactFactory(case=case, staff=kim, discussed=INTERNAL, promised=INTERNAL)
    FamilyMemberFactory(case=case, notes=INTERNAL)
    FamilyQuestionFactory(case=case, text=INTERNAL, answer=INTERNAL)
    return case


def url(case: Case, page: str) -> str:
    return f"/staff/cases/{case.reference}/family/{page}"


def test_the_preview_shows_the_letter_filled_in(case, client_for, kim):
    response = client_for(kim).get(url(case, "letters/first_contact/"))

    assert response.status_code == 200
    assert "Dear Sarah and James Example," in response.text
    assert "death of Oliver" in response.text
    assert "07700 900123" in response.text
    assert "Kim Keyworker" in response.text
    assert "{{" not in response.text.split("cdop-letter-preview", 1)[1].split("</div>", 1)[0]
    assert not Letter.objects.exists()  # a preview records nothing


def test_kim_makes_the_pdf_and_it_is_recorded_audited_and_on_the_chronology(case, client_for, kim):
    response = client_for(kim).post(url(case, "letters/first_contact/"), {"download": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    letter = Letter.objects.get()
    assert (letter.produced_by, letter.kind, letter.template_version) == (
        kim,
        "first_contact",
        0,
    )
    actions = set(LogEntry.objects.get_for_object(letter).values_list("action", flat=True))
    assert actions == {LogEntry.Action.CREATE, LogEntry.Action.ACCESS}
    [entry] = chronology_for_case(user=kim, case=case, kinds=["family_letter"])
    assert entry.title == "Letter produced: Letter introducing the key worker"
    assert entry.by == "Kim Keyworker"
    assert "default wording" in entry.detail


def test_the_pdf_holds_the_filled_in_letter_and_no_internal_notes(case):
    draft = services.letter_draft(case=case, kind="first_contact")

    assert "Dear Sarah and James Example," in draft.html
    assert "1 Example Street" in draft.html
    assert INTERNAL not in draft.html
    assert case.child_last_name not in draft.html
    assert case.child_nhs_number not in draft.html


def test_values_with_markup_are_shown_as_text(case):
    profile = case.family
    profile.family_name = "<script>alert(1)</script> *Smith* [x](http://evil.invalid)"
    profile.save()

    draft = services.letter_draft(case=case, kind="first_contact")

    assert "<script>" not in draft.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *Smith* [x](http://evil.invalid)" in draft.html
    assert "<em>Smith</em>" not in draft.html
    assert 'href="http://evil.invalid"' not in draft.html


def test_markup_in_the_template_itself_is_cleaned():
    html = letter_body_html("Hello <script>x()</script> {{ area_name }}", {"area_name": "LLR"})

    assert "<script>" not in html
    assert "LLR" in html


def test_the_outcome_letter_needs_the_words_for_this_family(case, client_for, kim):
    client = client_for(kim)

    refused = client.post(url(case, "letters/review_outcome/"), {"download": "1"})
    assert refused.status_code == 400
    assert "Before making this letter, add the words for this letter" in refused.text
    assert not Letter.objects.exists()

    shown = client.post(
        url(case, "letters/review_outcome/"),
        {"preview": "1", "message": "The panel found <b>no</b> single cause."},
    )
    assert shown.status_code == 200
    assert "The panel found &lt;b&gt;no&lt;/b&gt; single cause." in shown.text

    made = client.post(
        url(case, "letters/review_outcome/"),
        {"download": "1", "message": "The panel found no single cause."},
    )
    assert made["Content-Type"] == "application/pdf"
    assert Letter.objects.get().kind == "review_outcome"


def test_a_letter_cannot_be_made_without_how_to_address_the_family(case, client_for, kim):
    case.family.family_name = ""
    case.family.save()

    response = client_for(kim).post(url(case, "letters/first_contact/"), {"download": "1"})

    assert response.status_code == 400
    assert "how to address the family" in response.text
    assert not Letter.objects.exists()


def test_without_a_key_worker_phone_the_letter_gives_the_team_number(case, alice, kim, llr):
    llr.contact_phone = "0116 496 0500"
    llr.save()
    services.case_assign_key_worker(case=case, by=alice, key_worker=kim, phone="")

    draft = services.letter_draft(case=Case.objects.get(pk=case.pk), kind="first_contact")

    assert "0116 496 0500" in draft.html
    assert draft.missing == []


def test_an_unknown_kind_of_letter_is_404(case, client_for, kim):
    assert client_for(kim).get(url(case, "letters/ransom_note/")).status_code == 404


# --- The area's templates -----------------------------------------------------------------

TEMPLATES = "/staff/letter-templates/"


@pytest.mark.urls("cdop.family.tests.urls")
def test_ada_changes_the_wording_and_the_next_letter_uses_the_new_version(
    case, client_for, ada, kim
):
    response = client_for(ada).post(
        f"{TEMPLATES}llr/first_contact/",
        {"save": "1", "title": "Our first letter", "body": "Dear {{ family_name }}, hello."},
    )

    assert response.status_code == 302
    saved = LetterTemplate.objects.get()
    assert (saved.version, saved.created_by) == (1, ada)
    assert LogEntry.objects.get_for_object(saved).get().actor == ada
    letter, _pdf = services.letter_produce(case=case, kind="first_contact", by=kim)
    assert (letter.template, letter.template_version, letter.title) == (
        saved,
        1,
        "Our first letter",
    )

    client_for(ada).post(
        f"{TEMPLATES}llr/first_contact/",
        {"save": "1", "title": "Our first letter", "body": "Dear {{ family_name }}, hi."},
    )
    assert list(LetterTemplate.objects.values_list("version", flat=True)) == [2, 1]


@pytest.mark.urls("cdop.family.tests.urls")
def test_the_template_page_previews_with_example_details_without_saving(client_for, ada, llr):
    response = client_for(ada).post(
        f"{TEMPLATES}llr/first_contact/",
        {"preview": "1", "title": "Draft", "body": "Dear {{ family_name }}, from {{ area_name }}"},
    )

    assert response.status_code == 200
    assert "Dear Sarah and James Example, from Leicester" in response.text
    assert not LetterTemplate.objects.exists()


@pytest.mark.urls("cdop.family.tests.urls")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Hello"}, "Enter a name for the letter"),
        ({"title": "A letter", "body": ""}, "Enter the text of the letter"),
        (
            {"title": "A letter", "body": "Dear {{ family_name }} about {{ nhs_number }}"},
            "Remove or correct {{ nhs_number }}",
        ),
    ],
)
def test_the_template_page_refuses_bad_input_keeping_what_was_typed(
    client_for, ada, llr, data, message
):
    response = client_for(ada).post(f"{TEMPLATES}llr/first_contact/", {"save": "1", **data})

    assert response.status_code == 400
    assert message in response.text
    assert not LetterTemplate.objects.exists()
    if data["body"]:
        assert "Dear {{ family_name }}" in response.text or data["body"] in response.text


@pytest.mark.urls("cdop.family.tests.urls")
@pytest.mark.parametrize("persona", ["alice", "kim", "chris", "pat", "olu", "devi"])
def test_only_the_area_administrator_edits_its_letters(client_for, request, persona, llr):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(TEMPLATES).status_code == 404
    assert client.get(f"{TEMPLATES}llr/first_contact/").status_code == 404
    assert (
        client.post(
            f"{TEMPLATES}llr/first_contact/", {"save": "1", "title": "x", "body": "x"}
        ).status_code
        == 404
    )
    assert not LetterTemplate.objects.exists()


def test_the_service_refuses_an_unknown_placeholder(ada, llr):
    with pytest.raises(DomainError, match="Remove or correct"):
        services.letter_template_save(
            area=llr, kind="first_contact", by=ada, title="x", body="{{ child_last_name }}"
        )
