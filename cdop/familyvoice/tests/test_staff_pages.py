from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.familyvoice import services
from cdop.familyvoice.models import FamilyVoiceEntry, FamilyVoiceRequest
from cdop.familyvoice.sections import family_voice_section_context
from cdop.securelinks.models import SecureLink

GOOD = {
    "email": "family@example.invalid",
    "agreement_recorded": "Agreed by phone with the child's mother on 3 March.",
}


@pytest.fixture(autouse=True)
def emails_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """The link's email goes once the transaction commits, which a test's never does: run
    the callback at once, as a commit would."""
    monkeypatch.setattr(services.transaction, "on_commit", lambda callback, *a, **k: callback())


def test_the_section_is_on_the_case_page_after_the_familys_key_worker() -> None:
    from cdop.cases import sections

    registered = sections._SECTIONS["family-voice"]
    assert registered.order == 32
    assert registered.template == "familyvoice/_case_section.html"


def url(case, name: str = "overview", **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"familyvoice:{name}", kwargs={"reference": case.reference, **kwargs})


@pytest.fixture
def case(llr, kim):  # type: ignore[no-untyped-def]
    return CaseFactory(
        area=llr,
        key_worker=kim,
        child_first_name="Zebedee",
        child_last_name="Quillfeather",
        status=Status.INFORMATION_GATHERING,
    )


def test_the_key_worker_sends_the_family_a_link_with_no_personal_details(
    case, kim, client_for
) -> None:
    response = client_for(kim).post(url(case, "send"), GOOD)
    assert response.status_code == 302
    request = FamilyVoiceRequest.objects.get()
    assert request.case == case
    assert request.sent_by == kim
    assert request.agreement_recorded == GOOD["agreement_recorded"]
    link = SecureLink.objects.get()
    assert link.purpose == "family_voice"
    assert link.family_voice_request == request
    assert link.email == "family@example.invalid"
    [email] = mail.outbox
    assert email.to == ["family@example.invalid"]
    assert "/link/" in email.body
    for detail in ("Zebedee", "Quillfeather", case.reference, case.child_nhs_number):
        assert detail not in email.body
        assert detail not in email.subject
    entry = LogEntry.objects.get_for_object(request).get()
    assert entry.actor == kim
    assert entry.additional_data == {"area_id": case.area_id, "case": case.reference}
    assert LogEntry.objects.get_for_object(link).get().actor == kim


def test_the_emailed_link_opens_the_familys_page(case, alice, client_for) -> None:
    client_for(alice).post(url(case, "send"), GOOD)
    link = mail.outbox[0].body.split("http://127.0.0.1:8000")[1].split()[0]
    family = Client()
    assert family.get(link)["Location"] == reverse("familyvoice_public:start")
    assert family.get(reverse("familyvoice_public:start")).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**GOOD, "email": ""}, "Enter the family&#x27;s email address"),
        ({**GOOD, "email": "not an email"}, "Enter an email address in the right format"),
        ({**GOOD, "agreement_recorded": ""}, "Say how the family agreed to be sent the link"),
        ({**GOOD, "agreement_recorded": "x" * 1001}, "Keep this to 1,000 characters or fewer"),
    ],
)
def test_it_explains_each_mistake_and_keeps_what_was_typed(
    case, alice, client_for, data, message
) -> None:
    response = client_for(alice).post(url(case, "send"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    if data["email"]:
        assert data["email"] in response.content.decode()
    assert not FamilyVoiceRequest.objects.exists()
    assert not mail.outbox


def test_it_refuses_to_send_a_link_on_a_closed_case(llr, alice, client_for) -> None:
    # Out of scope: a finalised case is locked, and its pages that write answer 404.
    closed = CaseFactory(area=llr, status=Status.OUT_OF_SCOPE)
    response = client_for(alice).post(url(closed, "send"), GOOD)
    assert response.status_code == 400
    assert "This case is closed" in response.content.decode()
    assert not SecureLink.objects.exists()


def test_sending_again_replaces_the_link_and_keeps_what_the_family_wrote(
    case, kim, client_for
) -> None:
    client = client_for(kim)
    client.post(url(case, "send"), GOOD)
    first = SecureLink.objects.get()
    services.family_voice_entry_add(link=first, kind="question", text="Why?")
    page = client.get(url(case, "send"))
    assert "family@example.invalid" in page.content.decode()  # the form starts from before
    client.post(url(case, "send"), {**GOOD, "email": "other@example.invalid"})
    assert FamilyVoiceRequest.objects.count() == 1
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert SecureLink.objects.filter(revoked_at__isnull=True).get().email == "other@example.invalid"
    assert FamilyVoiceEntry.objects.count() == 1


def test_withdrawing_the_link_stops_it_working(case, alice, client_for) -> None:
    client_for(alice).post(url(case, "send"), GOOD)
    request = FamilyVoiceRequest.objects.get()
    response = client_for(alice).post(url(case, "revoke", pk=request.pk))
    assert response.status_code == 302
    link = SecureLink.objects.get()
    assert link.revoked_at is not None
    assert LogEntry.objects.get_for_object(link).filter(actor=alice).count() == 2


def test_staff_see_the_familys_words_only_once_they_are_sent(case, kim, devi, client_for) -> None:
    client_for(kim).post(url(case, "send"), GOOD)
    link = SecureLink.objects.get()
    services.family_voice_entry_add(link=link, kind="question", text="Was the ward too busy?")
    services.family_voice_entry_add(link=link, kind="view", text="She loved the sea.")
    overview = client_for(devi).get(url(case)).content.decode()
    assert "Was the ward too busy?" not in overview
    assert "have not sent their words yet" in overview
    services.family_voice_submit(link=link)
    for client in (client_for(kim), client_for(devi)):
        overview = client.get(url(case)).content.decode()
        assert "Was the ward too busy?" in overview
        assert "She loved the sea." in overview
    request = FamilyVoiceRequest.objects.get()
    http = RequestFactory().get("/")
    http.user = kim
    section = render_to_string(
        "familyvoice/_case_section.html",
        {"case": case, "section": family_voice_section_context(http, case)},
    )
    assert "Was the ward too busy?" in section
    assert "She loved the sea." in section
    assert (
        LogEntry.objects.get_for_object(request)
        .filter(action=LogEntry.Action.ACCESS, actor=kim)
        .exists()
    )


@pytest.mark.parametrize("persona", ["olu", "chris", "pat"])
def test_those_who_may_not_read_the_case_get_404_on_every_page(
    case, persona, client_for, request
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(case)).status_code == 404
    assert client.get(url(case, "send")).status_code == 404
    assert client.post(url(case, "send"), GOOD).status_code == 404
    assert not FamilyVoiceRequest.objects.exists()


def test_a_withdrawal_by_someone_who_may_not_work_on_the_case_is_404(
    case, alice, olu, pat, client_for
) -> None:
    client_for(alice).post(url(case, "send"), GOOD)
    request = FamilyVoiceRequest.objects.get()
    for user in (olu, pat):
        assert client_for(user).post(url(case, "revoke", pk=request.pk)).status_code == 404
    assert SecureLink.objects.get().revoked_at is None


def test_a_key_worker_of_another_case_gets_404(llr, kim, alice, client_for) -> None:
    someone_elses = CaseFactory(area=llr, key_worker=alice)
    client = client_for(kim)
    assert client.get(url(someone_elses)).status_code == 404
    assert client.get(url(someone_elses, "send")).status_code == 404
    assert client.post(url(someone_elses, "send"), GOOD).status_code == 404
    assert not FamilyVoiceRequest.objects.exists()
    client_for(alice).post(url(someone_elses, "send"), GOOD)
    request = FamilyVoiceRequest.objects.get()
    assert client.post(url(someone_elses, "revoke", pk=request.pk)).status_code == 404
    assert SecureLink.objects.get().revoked_at is None


def test_a_request_of_another_case_cannot_be_withdrawn_through_this_one(
    case, llr, alice, client_for
) -> None:
    other = CaseFactory(area=llr)
    client_for(alice).post(url(other, "send"), GOOD)
    request = FamilyVoiceRequest.objects.get()
    assert client_for(alice).post(url(case, "revoke", pk=request.pk)).status_code == 404
    assert SecureLink.objects.get().revoked_at is None


def test_the_chronology_shows_the_link_sent_and_the_words_returned(case, kim, client_for) -> None:
    client_for(kim).post(url(case, "send"), GOOD)
    link = SecureLink.objects.get()
    services.family_voice_entry_add(link=link, kind="question", text="Why?")
    services.family_voice_submit(link=link)
    page = (
        client_for(kim)
        .get(reverse("chronology:page", kwargs={"reference": case.reference}))
        .content.decode()
    )
    assert "Link sent to the family for their own words" in page
    assert "The family sent their own words for the review" in page
    assert "1 question and 0 pieces" in page
