from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry

from cdop.accounts.models import User
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.tests.respond_helpers import (
    fill_everything,
    issue_link,
    open_link,
    request_with_forms,
)
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(llr: Area) -> Case:
    return CaseFactory(area=llr)


@pytest.fixture
def returned(case: Case, alice: User) -> FormRequest:
    form_request = request_with_forms(case=case, by=alice)
    agency = open_link(issue_link(form_request))
    core = form_request.forms.get()
    agency.post(
        f"/reporting-form/forms/{core.pk}/child/",
        {"weight_kg__not_known": "on", "height_cm": "88", "action": "later"},
    )
    fill_everything(agency, form_request)
    agency.post("/reporting-form/check/")
    form_request.refresh_from_db()
    assert form_request.status == FormRequest.Status.SUBMITTED
    return form_request


def _url(form_request: FormRequest) -> str:
    return f"/staff/cases/{form_request.case.reference}/forms/{form_request.pk}/answers/"


def test_the_team_reads_a_returned_form_and_the_read_is_audited(
    client_for: Any, alice: User, returned: FormRequest
) -> None:
    response = client_for(alice).get(_url(returned))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your full name" in page
    assert "From our records." in page
    assert "Not answered" in page  # optional questions left blank say so
    assert LogEntry.objects.filter(
        object_pk=str(returned.pk), action=LogEntry.Action.ACCESS, actor=alice
    ).exists()


def test_answers_are_not_shown_before_the_agency_sends_them(
    client_for: Any, alice: User, case: Case
) -> None:
    form_request = request_with_forms(case=case, by=alice)
    core = form_request.forms.get()
    core.answers = {"completed_by_name": {"value": "Draft Person"}}
    core.save()
    page = client_for(alice).get(_url(form_request)).content.decode()
    assert "Not returned yet" in page
    assert "Draft Person" not in page


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_those_who_may_not_read_the_case_get_a_404(
    client_for: Any, persona: str, request: Any, returned: FormRequest
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(_url(returned)).status_code == 404


def test_the_key_worker_of_the_case_reads_it(
    client_for: Any, kim: User, returned: FormRequest
) -> None:
    Case.objects.filter(pk=returned.case_id).update(key_worker=kim)
    assert client_for(kim).get(_url(returned)).status_code == 200


def test_a_request_of_another_case_is_a_404(
    client_for: Any, alice: User, returned: FormRequest, llr: Area
) -> None:
    other = CaseFactory(area=llr)
    url = f"/staff/cases/{other.reference}/forms/{returned.pk}/answers/"
    assert client_for(alice).get(url).status_code == 404
