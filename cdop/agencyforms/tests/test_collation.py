from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client

from cdop.accounts.models import User
from cdop.agencyforms.collation import collation_for_case
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


def _return(case: Case, by: User, child: dict[str, Any]) -> FormRequest:
    form_request = request_with_forms(case=case, by=by)
    agency: Client = open_link(issue_link(form_request))
    fill_everything(agency, form_request)
    core = form_request.forms.get()
    agency.post(f"/reporting-form/forms/{core.pk}/child/", {**child, "action": "continue"})
    assert agency.post("/reporting-form/check/").status_code == 302
    return form_request


@pytest.fixture
def two_returns(case: Case, alice: User) -> tuple[FormRequest, FormRequest]:
    police = _return(case, alice, {"height_cm": "90", "weight_kg": "13", "disability": "no"})
    health = _return(
        case, alice, {"height_cm": "92", "weight_kg__not_known": "on", "disability": "no"}
    )
    return police, health


def _question(case: Case, question_id: str) -> Any:
    [core] = collation_for_case(case=case)
    return next(q for s in core.sections for q in s.questions if q.id == question_id)


def test_different_answers_to_the_same_question_are_marked(
    case: Case, two_returns: tuple[FormRequest, FormRequest]
) -> None:
    height = _question(case, "height_cm")
    assert [c.display for c in height.cells] == ["90 cm", "92 cm"]
    assert height.differs
    assert not _question(case, "disability").differs


def test_gaps_are_marked_and_not_known_is_not_a_difference(
    case: Case, two_returns: tuple[FormRequest, FormRequest]
) -> None:
    weight = _question(case, "weight_kg")
    assert [c.state for c in weight.cells] == ["answered", "not_known"]
    assert weight.gaps == 1
    assert not weight.differs


def test_written_answers_are_shown_but_not_compared(
    case: Case, two_returns: tuple[FormRequest, FormRequest]
) -> None:
    summary = _question(case, "involvement_summary")
    assert not summary.compared
    assert not summary.differs


def test_forms_not_yet_returned_are_left_out(case: Case, alice: User) -> None:
    request_with_forms(case=case, by=alice)
    assert collation_for_case(case=case) == []


def test_the_page_shows_agencies_side_by_side_and_each_read_is_audited(
    case: Case, two_returns: tuple[FormRequest, FormRequest], client_for: Any, alice: User
) -> None:
    response = client_for(alice).get(f"/staff/cases/{case.reference}/forms/collation/")
    page = response.content.decode()
    assert response.status_code == 200
    for form_request in two_returns:
        assert form_request.organisation.name in page
        assert LogEntry.objects.filter(
            object_pk=str(form_request.pk), action=LogEntry.Action.ACCESS, actor=alice
        ).exists()
    assert "Answers differ" in page
    assert "Not known" in page


def test_the_collation_prints_as_a_pdf_and_the_export_is_recorded(
    case: Case, two_returns: tuple[FormRequest, FormRequest], client_for: Any, alice: User
) -> None:
    response = client_for(alice).get(f"/staff/cases/{case.reference}/forms/collation/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = LogEntry.objects.filter(
        object_pk=str(case.pk), action=LogEntry.Action.ACCESS, actor=alice
    ).latest("timestamp")
    assert entry.additional_data["export"] == "reporting_forms_collation_pdf"
    assert entry.additional_data["returns"] == sorted(f"RF-{r.pk:06d}" for r in two_returns)


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
@pytest.mark.parametrize("suffix", ["", "pdf/"])
def test_those_who_may_not_read_the_case_get_a_404(
    case: Case, client_for: Any, persona: str, suffix: str, request: Any
) -> None:
    client = client_for(request.getfixturevalue(persona))
    url = f"/staff/cases/{case.reference}/forms/collation/{suffix}"
    assert client.get(url).status_code == 404


def test_returns_on_different_versions_line_up_by_question(
    case: Case, alice: User, ada: User
) -> None:
    from cdop.agencyforms.tests.test_return_versions import NEW_LABEL, publish_version_2

    first = _return(case, alice, {"height_cm": "90", "weight_kg": "13", "disability": "no"})
    publish_version_2(ada)
    form_request = request_with_forms(case=case, by=alice)
    agency = open_link(issue_link(form_request))
    fill_everything(agency, form_request)
    core = form_request.forms.get()
    agency.post(
        f"/reporting-form/forms/{core.pk}/child/",
        {
            "height_cm": "91",
            "weight_kg": "13",
            "disability": "no",
            "head_circumference_cm": "48",
            "action": "continue",
        },
    )
    assert agency.post("/reporting-form/check/").status_code == 302
    [collated] = collation_for_case(case=case)
    assert [c.form.definition.version for c in collated.columns] == [1, 2]
    height = _question(case, "height_cm")
    assert height.label == NEW_LABEL  # the newest version's words head the row
    assert [c.display for c in height.cells] == ["90 cm", "91 cm"]
    head = _question(case, "head_circumference_cm")
    assert [c.display for c in head.cells] == ["Not asked", "48"]
    assert first.forms.get().definition.version == 1
