"""Helpers for the agency's pages: a request with real forms, a link, and filling sections."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.agencyforms.tests.factories import FormRequestFactory
from cdop.cases.models import Case
from cdop.formdefs.models import FormDefinition
from cdop.formdefs.selectors import formdef_current
from cdop.securelinks.services import securelink_issue


def request_with_forms(
    *, case: Case, by: Any, codes: tuple[str, ...] = ("reporting-form",)
) -> FormRequest:
    form_request: FormRequest = FormRequestFactory(case=case, requested_by=by)
    for code in codes:
        RequestedForm.objects.create(request=form_request, definition=formdef_current(code=code))
    return form_request


def issue_link(form_request: FormRequest) -> str:
    return securelink_issue(
        purpose="agency_form",
        email=form_request.contact.email,
        area=form_request.case.area,
        created_by=form_request.requested_by,
        expires_at=timezone.now() + datetime.timedelta(days=30),
        form_request=form_request,
    )


def open_link(token: str, client: Client | None = None) -> Client:
    """A browser that followed the emailed link (the landing page puts it in the session)."""
    client = client or Client()
    response = client.get(f"/link/{token}/")
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/reporting-form/"
    return client


def a_complete_answer(question: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Posted data answering a question with something sensible."""
    qid = prefix + question["id"]
    qtype = question["type"]
    if qtype == "yesno":
        return {qid: "no"}
    if qtype == "choice":
        return {qid: question["choices"][0]["value"]}
    if qtype == "multi":
        return {qid: [question["choices"][0]["value"]]}
    if qtype == "number":
        return {qid: "12"}
    if qtype == "date":
        return {f"{qid}_day": "1", f"{qid}_month": "9", f"{qid}_year": "2026"}
    return {qid: "From our records."}


def section_data(definition: FormDefinition, section_id: str) -> dict[str, Any]:
    section = next(s for s in definition.schema["sections"] if s["id"] == section_id)
    data: dict[str, Any] = {"action": "continue"}
    for question in section["questions"]:
        if question.get("required") and not question.get("show_if"):
            data.update(a_complete_answer(question))
    return data


def fill_everything(client: Client, form_request: FormRequest) -> None:
    for requested in form_request.forms.select_related("definition"):
        for section in requested.definition.schema["sections"]:
            response = client.post(
                f"/reporting-form/forms/{requested.pk}/{section['id']}/",
                section_data(requested.definition, section["id"]),
            )
            assert response.status_code == 302, response.content.decode()[:2000]
