"""A change to a form definition does not alter forms already requested or returned."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cdop.accounts.models import User
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.tests.respond_helpers import (
    fill_everything,
    issue_link,
    open_link,
    request_with_forms,
)
from cdop.areas.models import Area
from cdop.core.tests.factories import CaseFactory
from cdop.formdefs.selectors import formdef_current
from cdop.formdefs.services import formdef_publish

pytestmark = pytest.mark.django_db

OLD_LABEL = "Height (or length, for a baby)"
NEW_LABEL = "Length or height in centimetres, measured lying down under 2 years"


def publish_version_2(by: User) -> None:
    current = formdef_current(code="reporting-form")
    schema: dict[str, Any] = copy.deepcopy(current.schema)
    child = next(s for s in schema["sections"] if s["id"] == "child")
    child["questions"][0]["label"] = NEW_LABEL
    child["questions"].append(
        {
            "id": "head_circumference_cm",
            "label": "Head circumference",
            "type": "number",
            "required": True,
            "not_known": True,
        }
    )
    formdef_publish(
        data={
            "code": current.code,
            "kind": current.kind,
            "title": current.title,
            "description": current.description,
            "status_confirmed": True,
            "suggest_when": {},
            "schema": schema,
        },
        by=by,
    )


def test_a_return_keeps_the_version_it_was_requested_on(
    llr: Area, alice: User, ada: User, client_for: Any
) -> None:
    case = CaseFactory(area=llr)
    form_request = request_with_forms(case=case, by=alice)
    agency = open_link(issue_link(form_request))
    core = form_request.forms.get()
    assert core.definition.version == 1

    publish_version_2(ada)
    assert formdef_current(code="reporting-form").version == 2

    # The agency still fills version 1: its labels, and no version 2 question to answer.
    page = agency.get(f"/reporting-form/forms/{core.pk}/child/").content.decode()
    assert OLD_LABEL in page
    assert NEW_LABEL not in page
    assert "Head circumference" not in page
    fill_everything(agency, form_request)
    assert agency.post("/reporting-form/check/").status_code == 302
    form_request.refresh_from_db()
    assert form_request.status == FormRequest.Status.SUBMITTED

    # Staff read it in version 1's words.
    response = client_for(alice).get(
        f"/staff/cases/{case.reference}/forms/{form_request.pk}/answers/"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert OLD_LABEL in page
    assert NEW_LABEL not in page
    assert "Version 1" in page

    # A new request is made on version 2.
    newer = request_with_forms(case=CaseFactory(area=llr), by=alice)
    assert newer.forms.get().definition.version == 2
