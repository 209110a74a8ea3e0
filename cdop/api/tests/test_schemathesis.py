"""Schemathesis against the OpenAPI schema the app serves: every GET operation (the staff API
and the notifications API's status check), with a valid token for a seeded user who has a
few cases, through Django's WSGI application in this process (no network). No answer may be
a server error, and every answer must match the schema's description of it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from cdop.actions.tests.factories import ActionFactory
from cdop.api.services import api_client_register
from cdop.api.tests.conftest import token_for
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

# Per operation: enough to try every filter's odd values, and under two minutes in all.
MAX_EXAMPLES = 50


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """Django's WSGI application, called in this process inside the test's transaction: as
    Django's test client does, the connection is not closed at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(llr, alice, ada, kim, settings) -> dict[str, str]:
    """alice's personal token and a registered system's, over a few cases, notifications and
    actions in every state the serializers show (the references the schema gives as
    examples among them); rate limits out of the way."""
    current = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **current,
        "DEFAULT_THROTTLE_RATES": {
            "api_client": "100000/minute",
            "api_auth_failure": "100000/minute",
            "api_staff": "100000/minute",
        },
    }
    system, system_token = api_client_register(area=llr, name="Royal Infirmary EPR", by=ada)
    open_case = CaseFactory(area=llr, reference="LLR-2026-0042", key_worker=kim)
    finalised = CaseFactory(
        area=llr,
        reference="LLR-2025-0007",
        status=Status.FINALISED,
        child_date_of_birth=datetime.date(2009, 1, 5),
        date_of_death=datetime.date(2025, 6, 1),
    )
    CaseFactory(area=llr, reference="LLR-2026-0043", merged_into=open_case)
    NotificationFactory(area=llr, reference="NTF-7K3Q-9XPA", case=open_case, api_client=system)
    NotificationFactory(area=llr, reference="NTF-7K3Q-9XPB")
    ActionFactory(case=finalised)
    done = ActionFactory(
        case=open_case, status="done", evidence="Done.", closed_on=datetime.date(2026, 11, 1)
    )
    return {"staff": token_for(alice), "system": system_token, "action": str(done.pk)}


def _exercise(operation: Any, token: str, known: dict[str, dict[str, Any]]) -> None:
    """Hypothesis over one operation: the schema's own examples first, then generated calls."""
    headers = {"Authorization": f"Bearer {token}"}

    def check(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    strategies = [operation.as_strategy(), *operation.get_strategies_from_examples()]
    if known:
        strategies.append(operation.as_strategy(**known))
    run = given(case=st.one_of(strategies))(check)
    settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )(run)()


def test_no_server_error_and_every_answer_matches_the_schema(wsgi_app: Any, tokens: dict[str, str]):
    served = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    tried = []
    for result in served.include(method="GET").get_all_operations():
        operation = result.ok()
        staff = operation.path.startswith("/api/staff/")
        # Values the generator cannot guess, given as well: the seeded action's id (not
        # known before it is made) and an area the report needs.
        known: dict[str, dict[str, Any]] = {}
        if operation.path.endswith("{id}/"):
            known = {"path_parameters": {"id": int(tokens["action"])}}
        elif operation.path.endswith("/annual/"):
            known = {"query": {"area": "llr"}}
        _exercise(operation, tokens["staff"] if staff else tokens["system"], known)
        tried.append(operation.label)

    # Every read of both APIs, staff and notifications: none was skipped.
    assert len(tried) == 9, tried
    assert "GET /api/v1/notifications/{reference}/" in tried
