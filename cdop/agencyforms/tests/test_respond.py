from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from cdop.accounts.models import User
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.tests.respond_helpers import (
    fill_everything,
    issue_link,
    open_link,
    request_with_forms,
    section_data,
)
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.core.tests.factories import CaseFactory
from cdop.securelinks.models import SecureLink

pytestmark = pytest.mark.django_db

NOT_WORKING = "This link does not work"


@pytest.fixture
def case(llr: Area) -> Case:
    return CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Synthetic")


@pytest.fixture
def form_request(case: Case, alice: User) -> FormRequest:
    return request_with_forms(case=case, by=alice, codes=("reporting-form", "sudi-sudic"))


@pytest.fixture
def agency(form_request: FormRequest) -> Client:
    return open_link(issue_link(form_request))


def _form(form_request: FormRequest, code: str):  # type: ignore[no-untyped-def]
    return form_request.forms.select_related("definition").get(definition__code=code)


def test_the_start_page_names_the_child_the_forms_and_the_due_date(
    agency: Client, form_request: FormRequest, case: Case
) -> None:
    page = agency.get("/reporting-form/").content.decode()
    assert "Amelia Synthetic" in page
    assert f"{case.child_date_of_birth:%-d %B %Y}" in page
    assert "Sudden unexpected death in infancy or childhood" in page
    assert f"{form_request.due_on:%-d %B %Y}" in page
    assert "saved each time" in page
    # Nothing else from the record: no case reference, no NHS number, no circumstances.
    assert case.reference not in page
    assert case.child_nhs_number not in page


def test_the_task_list_shows_each_section_not_started(
    agency: Client, form_request: FormRequest
) -> None:
    page = agency.get("/reporting-form/tasks/").content.decode()
    assert page.count("Not started") == 7  # six core sections and the SUDI form's one
    assert "Your agency&#x27;s account of events" in page


def test_without_a_link_no_page_opens(form_request: FormRequest) -> None:
    core = _form(form_request, "reporting-form")
    for url in (
        "/reporting-form/",
        "/reporting-form/tasks/",
        f"/reporting-form/forms/{core.pk}/child/",
        "/reporting-form/check/",
        "/reporting-form/sent/",
    ):
        response = Client().get(url)
        assert response.status_code == 404
        assert NOT_WORKING in response.content.decode()


def test_a_section_saves_values_and_not_known_as_different_answers(
    agency: Client, form_request: FormRequest
) -> None:
    core = _form(form_request, "reporting-form")
    response = agency.post(
        f"/reporting-form/forms/{core.pk}/child/",
        {"height_cm": "92.5", "weight_kg": "", "weight_kg__not_known": "on", "action": "continue"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reporting-form/forms/{core.pk}/family/"
    core.refresh_from_db()
    assert core.answers == {"height_cm": {"value": 92.5}, "weight_kg": {"not_known": True}}
    form_request.refresh_from_db()
    assert form_request.status == FormRequest.Status.IN_PROGRESS
    entry = LogEntry.objects.get_for_object(core).latest("timestamp")
    assert entry.actor is None
    assert form_request.contact.email in entry.actor_email


def test_bad_input_shows_the_page_again_with_what_was_typed(
    agency: Client, form_request: FormRequest
) -> None:
    core = _form(form_request, "reporting-form")
    response = agency.post(
        f"/reporting-form/forms/{core.pk}/child/",
        {"height_cm": "tall", "weight_kg": "14", "weight_kg__not_known": "on"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "‘Height (or length, for a baby)’ must be a number, for example 12 or 3.5" in page
    assert "Either answer this question or tick ‘Not known’, not both" in page
    assert 'value="tall"' in page
    core.refresh_from_db()
    assert core.answers == {}


def test_save_and_come_back_later_resumes_in_a_second_sitting(
    form_request: FormRequest,
) -> None:
    token = issue_link(form_request)
    core = _form(form_request, "reporting-form")
    first = open_link(token)
    response = first.post(
        f"/reporting-form/forms/{core.pk}/about_you/",
        {"completed_by_name": "Jo Synthetic", "action": "later"},
    )
    assert response["Location"] == "/reporting-form/tasks/"
    assert "In progress" in first.get("/reporting-form/tasks/").content.decode()
    second = open_link(token)  # another day, another browser, the same emailed link
    page = second.get(f"/reporting-form/forms/{core.pk}/about_you/").content.decode()
    assert 'value="Jo Synthetic"' in page


def test_it_refuses_to_send_while_required_questions_are_blank_and_lists_them(
    agency: Client, form_request: FormRequest
) -> None:
    core = _form(form_request, "reporting-form")
    page = agency.get("/reporting-form/check/").content.decode()
    assert "Some questions still need an answer" in page
    assert f"/reporting-form/forms/{core.pk}/child/?return=check" in page
    assert "Reporting Form: Your full name" in page
    response = agency.post("/reporting-form/check/")
    assert response.status_code == 400
    form_request.refresh_from_db()
    assert form_request.status == FormRequest.Status.REQUESTED


def test_a_complete_return_is_sent_and_every_link_stops_working(
    form_request: FormRequest,
) -> None:
    token = issue_link(form_request)
    later_token = issue_link(form_request)  # a reminder's fresh link
    agency = open_link(token)
    fill_everything(agency, form_request)
    check = agency.get("/reporting-form/check/").content.decode()
    assert "Some questions still need an answer" not in check
    assert "Send the form" in check
    response = agency.post("/reporting-form/check/")
    assert response["Location"] == "/reporting-form/sent/"
    form_request.refresh_from_db()
    assert form_request.status == FormRequest.Status.SUBMITTED
    assert form_request.submitted_at is not None
    assert all(f.completed_at for f in form_request.forms.all())
    assert not SecureLink.objects.filter(form_request=form_request, used_at=None).exists()
    receipt = agency.get("/reporting-form/sent/").content.decode()
    assert f"RF-{form_request.pk:06d}" in receipt
    assert form_request.case.reference not in receipt
    # The spent session, the same link and the reminder's link open nothing any more.
    assert agency.get("/reporting-form/tasks/").status_code == 404
    for used in (token, later_token):
        response = Client().get(f"/link/{used}/")
        assert NOT_WORKING in response.content.decode()


def test_a_form_of_another_request_does_not_open_with_this_link(
    agency: Client, form_request: FormRequest, case: Case, alice: User
) -> None:
    other = request_with_forms(case=CaseFactory(area=case.area), by=alice)
    theirs = other.forms.get()
    response = agency.get(f"/reporting-form/forms/{theirs.pk}/child/")
    assert response.status_code == 404
    assert NOT_WORKING in response.content.decode()
    response = agency.post(
        f"/reporting-form/forms/{theirs.pk}/about_you/",
        section_data(theirs.definition, "about_you"),
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.answers == {}


def test_an_unknown_section_does_not_open(agency: Client, form_request: FormRequest) -> None:
    core = _form(form_request, "reporting-form")
    assert agency.get(f"/reporting-form/forms/{core.pk}/nowhere/").status_code == 404


def test_a_follow_up_on_the_same_page_says_when_to_answer_it(
    agency: Client, form_request: FormRequest
) -> None:
    core = _form(form_request, "reporting-form")
    page = agency.get(f"/reporting-form/forms/{core.pk}/family/").content.decode()
    assert "Answer this only if you answered ‘Yes’ to ‘Was there domestic abuse" in page
    agency.post(
        f"/reporting-form/forms/{core.pk}/family/",
        {"domestic_abuse": "no", "domestic_abuse_detail": "Typed by mistake", "action": "later"},
    )
    core.refresh_from_db()
    assert core.answers == {"domestic_abuse": {"value": "no"}}


def test_the_receipt_is_not_shown_before_sending(agency: Client) -> None:
    assert agency.get("/reporting-form/sent/")["Location"] == "/reporting-form/tasks/"


def test_a_withdrawn_request_stops_the_pages(
    agency: Client, form_request: FormRequest, alice: User
) -> None:
    from cdop.agencyforms.services import form_request_revoke

    form_request_revoke(form_request=form_request, by=alice, reason="Sent to the wrong person")
    core = _form(form_request, "reporting-form")
    response = agency.post(
        f"/reporting-form/forms/{core.pk}/about_you/", {"completed_by_name": "X"}
    )
    assert response.status_code == 404
    core.refresh_from_db()
    assert core.answers == {}


def test_every_page_of_every_national_form_opens_and_saves(case: Case, alice: User) -> None:
    from cdop.agencyforms.tests.respond_helpers import a_complete_answer
    from cdop.formdefs.models import FormDefinition
    from cdop.formdefs.selectors import formdefs_available

    codes = tuple(
        d.code
        for kind in (FormDefinition.Kind.CORE, FormDefinition.Kind.SUPPLEMENTARY)
        for d in formdefs_available(kind=kind)
    )
    form_request = request_with_forms(case=case, by=alice, codes=codes)
    agency = open_link(issue_link(form_request))
    for requested in form_request.forms.select_related("definition"):
        for section in requested.definition.schema["sections"]:
            url = f"/reporting-form/forms/{requested.pk}/{section['id']}/"
            assert agency.get(url).status_code == 200, url
            data: dict[str, object] = {"action": "continue"}
            for question in section["questions"]:
                data.update(a_complete_answer(question))
            response = agency.post(url, data)
            assert response.status_code == 302, (url, response.content.decode()[:500])
    assert (
        "Some questions still need an answer"
        not in agency.get("/reporting-form/check/").content.decode()
    )
