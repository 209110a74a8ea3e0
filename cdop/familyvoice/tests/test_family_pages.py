from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.familyvoice.models import FamilyVoiceEntry, FamilyVoiceRequest
from cdop.securelinks.models import SecureLink
from cdop.securelinks.tests.factories import family_link_make

CHILD_FIRST, CHILD_LAST = "Zebedee", "Quillfeather"


def page(name: str, *args: object) -> str:
    return reverse(f"familyvoice_public:{name}", args=args)


@pytest.fixture
def case(llr, kim):  # type: ignore[no-untyped-def]
    return CaseFactory(
        area=llr,
        key_worker=kim,
        reference="LLR-2026-7311",
        child_first_name=CHILD_FIRST,
        child_last_name=CHILD_LAST,
        child_nhs_number="9990000034",
        child_postcode="LE2 9ZZ",
        status=Status.INFORMATION_GATHERING,
    )


def family_client(case, by) -> Client:  # type: ignore[no-untyped-def]
    token, _ = family_link_make(case=case, by=by)
    client = Client()
    assert client.get(reverse("securelinks:land", args=[token])).status_code == 302
    return client


def test_a_family_writes_over_two_sittings_and_sends_their_words(case, kim) -> None:
    token, request = family_link_make(case=case, by=kim)
    first = Client()
    first.get(reverse("securelinks:land", args=[token]))
    start = first.get(page("start"))
    assert start.status_code == 200
    assert "Your words for the review" in start.content.decode()
    assert first.get(page("add_question")).status_code == 200
    saved = first.post(page("add_question"), {"text": "Why did nobody call us back?"})
    assert saved["Location"] == page("words")
    assert FamilyVoiceEntry.objects.get().kind == "question"

    # Later, another browser, the same link: what they saved is there.
    second = Client()
    second.get(reverse("securelinks:land", args=[token]))
    assert "Carry on" in second.get(page("start")).content.decode()
    assert "Why did nobody call us back?" in second.get(page("words")).content.decode()
    second.post(page("add_view"), {"text": "He laughed all the time."})
    first_question = FamilyVoiceEntry.objects.get(kind="question")
    second.post(page("change", first_question.pk), {"text": "Why did nobody ring us back?"})
    second.post(page("add_question"), {"text": "A draft to remove"})
    draft = FamilyVoiceEntry.objects.get(text="A draft to remove")
    assert "A draft to remove" in second.get(page("remove", draft.pk)).content.decode()
    second.post(page("remove", draft.pk))
    texts = list(FamilyVoiceEntry.objects.order_by("pk").values_list("kind", "text"))
    assert texts == [
        ("question", "Why did nobody ring us back?"),
        ("view", "He laughed all the time."),
    ]

    check = second.get(page("check"))
    assert "He laughed all the time." in check.content.decode()
    sent = second.post(page("check"))
    assert sent["Location"] == page("sent")
    assert "Your words have been sent" in second.get(page("sent")).content.decode()
    request.refresh_from_db()
    assert request.submitted_at is not None
    assert SecureLink.objects.get().used_at is not None
    # The link is spent: the pages and the emailed link no longer open.
    assert second.get(page("words")).status_code == 404
    assert Client().get(reverse("securelinks:land", args=[token])).status_code == 404
    assert first.post(page("add_question"), {"text": "late"}).status_code == 404
    assert FamilyVoiceEntry.objects.count() == 2


def test_what_the_family_writes_is_audited_under_their_request(case, kim) -> None:
    client = family_client(case, kim)
    client.post(page("add_question"), {"text": "Why?"}, REMOTE_ADDR="192.0.2.50")
    entry = FamilyVoiceEntry.objects.get()
    log = LogEntry.objects.get_for_object(entry).get()
    assert log.action == LogEntry.Action.CREATE
    assert log.actor is None
    assert log.additional_data == {"area_id": case.area_id, "case": case.reference}


def test_the_familys_pages_never_show_anything_from_the_record(case, kim, alice) -> None:
    client = family_client(case, kim)
    forbidden = [
        CHILD_FIRST,
        CHILD_LAST,
        case.reference,
        case.child_nhs_number,
        case.child_postcode,
        kim.full_name,
        kim.email,
        alice.full_name,
    ]
    client.post(page("add_question"), {"text": "What happened that night?"})
    client.post(page("add_view"), {"text": "Our family wants to be heard."})
    one, two = FamilyVoiceEntry.objects.order_by("pk")
    pages = [
        client.get(page("start")),
        client.get(page("words")),
        client.get(page("add_question")),
        client.get(page("add_view")),
        client.get(page("change", one.pk)),
        client.get(page("remove", two.pk)),
        client.get(page("check")),
        client.post(page("add_question"), {"text": ""}),
    ]
    client.post(page("check"))
    pages.append(client.get(page("sent")))
    for response in pages:
        content = response.content.decode()
        for detail in forbidden:
            assert detail not in content, (response.wsgi_request.path, detail)


def test_an_empty_entry_is_explained_and_nothing_is_saved(case, kim) -> None:
    client = family_client(case, kim)
    response = client.post(page("add_question"), {"text": "   "})
    assert response.status_code == 400
    assert "Write your question, or go back" in response.content.decode()
    response = client.post(page("add_view"), {"text": ""})
    assert "Write what you want the review to know" in response.content.decode()
    assert not FamilyVoiceEntry.objects.exists()


def test_an_entry_too_long_to_save_is_explained_and_kept_on_the_page(case, kim) -> None:
    client = family_client(case, kim)
    long_text = "word " * 4001
    response = client.post(page("add_view"), {"text": long_text})
    assert response.status_code == 400
    assert "longer than we can save in one go" in response.content.decode()
    assert "word word word" in response.content.decode()
    assert not FamilyVoiceEntry.objects.exists()


def test_sending_with_nothing_written_is_refused_kindly(case, kim) -> None:
    client = family_client(case, kim)
    response = client.post(page("check"))
    assert response.status_code == 400
    assert "Write at least one question" in response.content.decode()
    assert FamilyVoiceRequest.objects.get().submitted_at is None
    assert SecureLink.objects.get().used_at is None


def test_one_family_cannot_reach_anothers_words(case, kim, llr, alice) -> None:
    other_case = CaseFactory(area=llr, key_worker=kim)
    theirs = family_client(other_case, kim)
    theirs.post(page("add_question"), {"text": "Another family's private question"})
    ours = family_client(case, kim)
    ours.post(page("add_question"), {"text": "Our question"})
    mine = FamilyVoiceEntry.objects.get(text="Our question")
    another = FamilyVoiceEntry.objects.exclude(pk=mine.pk).get()
    words = ours.get(page("words")).content.decode()
    assert "Another family&#x27;s private question" not in words
    assert "Our question" in words
    # An entry is looked up only among the family's own: another's number opens nothing.
    for number in (another.pk, mine.pk + 1, 99, 0):
        assert ours.get(page("change", number)).status_code == 404
        assert ours.post(page("remove", number)).status_code == 404
    assert FamilyVoiceEntry.objects.count() == 2
    assert another.text == "Another family's private question"
    assert "Our question" in ours.get(page("change", mine.pk)).content.decode()


def test_a_staff_member_signed_in_does_not_open_the_familys_pages_without_the_link(
    case, kim, client_for
) -> None:
    assert client_for(kim).get(page("start")).status_code == 404


def test_the_familys_pages_keep_no_copies_and_send_no_referrer_elsewhere(case, kim) -> None:
    client = family_client(case, kim)
    response = client.get(page("words"))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_number_of_pieces_has_a_ceiling(case, kim, monkeypatch) -> None:
    from cdop.familyvoice import services

    monkeypatch.setattr(services, "MAX_ENTRIES", 2)
    client = family_client(case, kim)
    client.post(page("add_question"), {"text": "One"})
    client.post(page("add_view"), {"text": "Two"})
    response = client.post(page("add_question"), {"text": "Three"})
    assert response.status_code == 400
    assert "Three" in response.content.decode()  # what they typed is still there
    assert "cannot add more pieces" in response.content.decode()
    assert FamilyVoiceEntry.objects.count() == 2
