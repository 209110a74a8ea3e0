from __future__ import annotations

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory
from cdop.agencyforms import services
from cdop.agencyforms.models import Chase, FormRequest, RequestedForm
from cdop.agencyforms.tests.factories import FormDefinitionFactory, FormRequestFactory
from cdop.clocks.working_days import add_working_days
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import error_summary_targets
from cdop.securelinks.models import SecureLink
from cdop.securelinks.services import securelink_check, securelink_is_live

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/link/(\S+?)/")


@pytest.fixture
def case(llr, kim):
    return CaseFactory(area=llr, child_first_name="Amelia", child_nhs_number="9990000026")


@pytest.fixture
def core_form():
    return FormDefinitionFactory(code="test-core", title="Test Reporting Form")


@pytest.fixture
def contacts(llr):
    police = OrganisationFactory(area=llr, name="Synthetic Police", kind="police")
    school = OrganisationFactory(area=llr, name="Synthetic School", kind="education")
    return [
        AgencyContactFactory(organisation=police, name="Pete Synthetic"),
        AgencyContactFactory(organisation=school, name="Erin Synthetic"),
    ]


def _request(client, case, contacts, definitions, due_on, note=""):
    return client.post(
        reverse("agencyforms:new", args=[case.reference]),
        {
            "contacts": [str(c.pk) for c in contacts],
            "definitions": [str(d.pk) for d in definitions],
            "due_on_day": due_on.day,
            "due_on_month": due_on.month,
            "due_on_year": due_on.year,
            "note": note,
        },
    )


def test_a_cdr_manager_requests_forms_from_two_contacts_in_one_step(
    client_for, alice, case, contacts, core_form, django_capture_on_commit_callbacks
):
    supplementary = FormDefinitionFactory(kind="supplementary", title="Sudden death form")
    due_on = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(
            client_for(alice), case, contacts, [core_form, supplementary], due_on, "Thank you"
        )
    assert response.status_code == 302
    requests = list(FormRequest.objects.filter(case=case).order_by("organisation__name"))
    assert [r.contact for r in requests] == contacts
    assert all(r.due_on == due_on and r.requested_by == alice for r in requests)
    for r in requests:
        assert set(
            RequestedForm.objects.filter(request=r).values_list("definition", flat=True)
        ) == {
            core_form.pk,
            supplementary.pk,
        }
        assert SecureLink.objects.filter(form_request=r, purpose="agency_form").count() == 1
        assert LogEntry.objects.get_for_object(r).get().actor == alice
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in contacts)


def test_the_email_carries_a_working_link_and_nothing_about_the_child(
    client_for, alice, case, contacts, core_form, django_capture_on_commit_callbacks
):
    due_on = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client_for(alice), case, contacts[:1], [core_form], due_on)
    (email,) = mail.outbox
    text = email.subject + email.body
    for secret in ("Amelia", case.child_last_name, case.reference, "9990000026"):
        assert secret not in text
    form_request = FormRequest.objects.get()
    assert services.form_request_reference(form_request) in email.subject
    token = LINK.search(email.body).group(1)
    link = securelink_check(token=token)
    assert link is not None
    assert link.form_request == form_request
    assert token not in str(SecureLink.objects.values_list("token_hash", flat=True)[0])


def test_the_request_page_offers_the_core_form_ticked_and_a_due_date_in_20_working_days(
    client_for, alice, case, contacts, core_form
):
    page = client_for(alice).get(reverse("agencyforms:new", args=[case.reference]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{core_form.pk}" checked' in html
    due = add_working_days(timezone.localdate(), 20)
    assert f'name="due_on_day" value="{due.day}"' in html
    assert "Pete Synthetic" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contacts": []}, "Select at least one person to send the form to"),
        ({"definitions": []}, "Select at least one form"),
        (
            {"due_on_day": "1", "due_on_month": "1", "due_on_year": "2020"},
            "The due date must be in the future",
        ),
        (
            {"due_on_day": "31", "due_on_month": "2", "due_on_year": "2030"},
            "Due date must be a real date",
        ),
        ({"contacts": ["999999"]}, "Select people from the list"),
    ],
)
def test_it_refuses_bad_input_and_keeps_what_was_typed(
    client_for, alice, case, contacts, core_form, change, message
):
    data = {
        "contacts": [str(contacts[0].pk)],
        "definitions": [str(core_form.pk)],
        "due_on_day": "1",
        "due_on_month": "1",
        "due_on_year": str(timezone.localdate().year + 1),
        "note": "Typed note",
        **change,
    }
    response = client_for(alice).post(reverse("agencyforms:new", args=[case.reference]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Typed note" in html
    assert not FormRequest.objects.exists()
    assert not mail.outbox


def test_the_error_summary_links_to_the_first_check_box_of_each_group(
    client_for, alice, case, contacts, core_form
):
    data = {"due_on_day": "", "due_on_month": "", "due_on_year": ""}
    response = client_for(alice).post(reverse("agencyforms:new", args=[case.reference]), data)

    assert response.status_code == 400
    assert error_summary_targets(response.content.decode()) == [
        "id_contacts_0",
        "id_definitions_0",
        "id_due_on_0",
    ]


def test_it_refuses_a_contact_of_another_area(alice, case, other_area, core_form):
    stranger = AgencyContactFactory(organisation=OrganisationFactory(area=other_area))
    with pytest.raises(DomainError, match="this area's directory"):
        services.form_request_create(
            case=case,
            contacts=[stranger],
            definitions=[core_form],
            due_on=timezone.localdate() + datetime.timedelta(days=9),
            note="",
            by=alice,
        )
    assert not FormRequest.objects.exists()


def test_it_refuses_to_ask_a_contact_twice_while_the_first_is_open(
    alice, case, contacts, core_form
):
    args = {
        "case": case,
        "contacts": contacts[:1],
        "definitions": [core_form],
        "due_on": timezone.localdate() + datetime.timedelta(days=9),
        "note": "",
        "by": alice,
    }
    services.form_request_create(**args)
    with pytest.raises(DomainError, match="Already waiting"):
        services.form_request_create(**args)
    assert FormRequest.objects.count() == 1


def test_it_refuses_an_unpublished_or_retired_form(alice, case, contacts):
    draft = FormDefinitionFactory(published_at=None)
    with pytest.raises(DomainError, match="not available"):
        services.form_request_create(
            case=case,
            contacts=contacts,
            definitions=[draft],
            due_on=timezone.localdate() + datetime.timedelta(days=9),
            note="",
            by=alice,
        )


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_others_get_a_404_for_the_case_s_forms(client_for, request, case, persona):
    user = request.getfixturevalue(persona)
    form_request = FormRequestFactory(case=case)
    client = client_for(user)
    detail = reverse("agencyforms:detail", args=[case.reference, form_request.pk])
    assert client.get(reverse("agencyforms:index", args=[case.reference])).status_code == 404
    assert client.get(reverse("agencyforms:new", args=[case.reference])).status_code == 404
    assert client.get(detail).status_code == 404
    assert client.post(detail + "chase/").status_code == 404
    assert client.post(detail + "withdraw/").status_code == 404
    assert not Chase.objects.exists()
    assert FormRequest.objects.get().status == "requested"


def test_the_key_worker_reads_the_requests_but_cannot_request_or_chase(client_for, kim, case):
    case.key_worker = kim
    case.save()
    form_request = FormRequestFactory(case=case)
    client = client_for(kim)
    assert client.get(reverse("agencyforms:index", args=[case.reference])).status_code == 200
    detail = reverse("agencyforms:detail", args=[case.reference, form_request.pk])
    page = client.get(detail)
    assert page.status_code == 200
    assert "Chase now" not in page.content.decode()
    assert client.get(reverse("agencyforms:new", args=[case.reference])).status_code == 404
    assert client.post(detail + "chase/").status_code == 404
    assert not Chase.objects.exists()


def test_a_request_of_another_case_is_not_found_under_this_case(client_for, alice, case, llr):
    elsewhere = FormRequestFactory(case=CaseFactory(area=llr))
    url = reverse("agencyforms:detail", args=[case.reference, elsewhere.pk])
    assert client_for(alice).get(url).status_code == 404


def _issued(form_request: FormRequest) -> str:
    from cdop.securelinks.services import securelink_issue

    return securelink_issue(
        purpose="agency_form",
        email=form_request.contact.email,
        area=form_request.case.area,
        created_by=None,
        expires_at=timezone.now() + datetime.timedelta(days=30),
        form_request=form_request,
    )


def test_withdrawing_a_request_stops_its_link_and_is_audited(client_for, alice, case):
    form_request = FormRequestFactory(case=case)
    token = _issued(form_request)
    response = client_for(alice).post(
        reverse("agencyforms:revoke", args=[case.reference, form_request.pk]),
        {"reason": "Sent to the wrong school"},
    )
    assert response.status_code == 302
    form_request.refresh_from_db()
    assert form_request.status == "revoked"
    assert form_request.revoked_by == alice
    assert form_request.revoke_reason == "Sent to the wrong school"
    link = SecureLink.objects.get()
    assert not securelink_is_live(link)
    assert securelink_check(token=token) is None or not securelink_is_live(link)
    entry = LogEntry.objects.get_for_object(form_request).filter(action=LogEntry.Action.UPDATE)
    assert entry.get().actor == alice


def test_it_refuses_to_withdraw_a_returned_request(client_for, alice, case):
    form_request = FormRequestFactory(case=case, status="submitted", submitted_at=timezone.now())
    response = client_for(alice).post(
        reverse("agencyforms:revoke", args=[case.reference, form_request.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "already been returned or withdrawn" in response.content.decode()
    form_request.refresh_from_db()
    assert form_request.status == "submitted"


def test_a_new_link_replaces_the_old_one(
    client_for, alice, case, django_capture_on_commit_callbacks
):
    form_request = FormRequestFactory(case=case)
    old = _issued(form_request)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            reverse("agencyforms:resend", args=[case.reference, form_request.pk])
        )
    assert response.status_code == 302
    (email,) = mail.outbox
    new = LINK.search(email.body).group(1)
    assert new != old
    old_link = SecureLink.objects.exclude(pk=securelink_check(token=new).pk).get()
    assert old_link.revoked_at is not None
    assert securelink_is_live(securelink_check(token=new))


def test_chase_now_sends_a_reminder_once_a_day(
    client_for, alice, case, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-11-02 10:00 +00:00")
    form_request = FormRequestFactory(case=case)
    client = client_for(alice)
    url = reverse("agencyforms:chase", args=[case.reference, form_request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    chase = Chase.objects.get()
    assert (chase.kind, chase.by) == ("manual", alice)
    assert mail.outbox[0].to == [form_request.contact.email]
    assert LogEntry.objects.get_for_object(chase).get().actor == alice
    time_machine.move_to("2026-11-02 17:00 +00:00")
    client = client_for(alice)  # a new sign-in: the idle time-out ended the first
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, follow=True)
    assert "reminded in the last day" in refused.content.decode()
    assert Chase.objects.count() == 1
    assert len(mail.outbox) == 1
    time_machine.move_to("2026-11-03 10:01 +00:00")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(url)
    assert Chase.objects.count() == 2
    assert len(mail.outbox) == 2


def test_chase_now_from_the_case_s_list_comes_back_to_the_list(
    client_for, alice, case, django_capture_on_commit_callbacks
):
    form_request = FormRequestFactory(case=case)
    client = client_for(alice)
    index = reverse("agencyforms:index", args=[case.reference])
    assert "Chase now" in client.get(index).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agencyforms:chase", args=[case.reference, form_request.pk]),
            {"next": "index"},
        )
    assert response["Location"] == index
    assert Chase.objects.filter(request=form_request, kind="manual").count() == 1
    assert len(mail.outbox) == 1


def test_a_returned_request_links_to_its_answers_and_the_side_by_side_view(client_for, alice, case):
    form_request = FormRequestFactory(case=case, status="submitted", submitted_at=timezone.now())
    client = client_for(alice)
    detail = client.get(reverse("agencyforms:detail", args=[case.reference, form_request.pk]))
    assert reverse("agencyforms:answers", args=[case.reference, form_request.pk]) in (
        detail.content.decode()
    )
    index = client.get(reverse("agencyforms:index", args=[case.reference]))
    assert reverse("agencyforms:collation", args=[case.reference]) in index.content.decode()
