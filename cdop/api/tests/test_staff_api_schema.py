"""The staff API is in the schema the app serves (valid OpenAPI 3, every operation with its
answers and the personal token's scheme), in /api/docs/ and docs/api.md; its lists read a
fixed number of queries whatever a page holds."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema

from cdop.actions.tests.factories import ActionFactory
from cdop.api.tests.conftest import token_for
from cdop.core.tests.factories import CaseFactory, NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

STAFF_OPERATIONS = {
    "/api/staff/v1/cases/": "staff_case_list",
    "/api/staff/v1/cases/{reference}/": "staff_case_detail",
    "/api/staff/v1/notifications/": "staff_notification_list",
    "/api/staff/v1/notifications/{reference}/": "staff_notification_detail",
    "/api/staff/v1/actions/": "staff_action_list",
    "/api/staff/v1/actions/{id}/": "staff_action_detail",
    "/api/staff/v1/statistics/": "staff_statistics",
    "/api/staff/v1/statistics/annual/": "staff_annual_report",
}


def test_the_served_schema_is_valid_and_describes_every_staff_operation():
    schema = json.loads(Client().get("/api/schema/?format=json").content)

    validate_schema(schema)  # as `manage.py spectacular --validate`
    schemes = schema["components"]["securitySchemes"]
    assert schemes["personalToken"] == {**schemes["personalToken"], "scheme": "bearer"}
    assert schemes["staffSession"]["in"] == "cookie"
    for path, operation_id in STAFF_OPERATIONS.items():
        operations = schema["paths"][path]
        assert list(operations) == ["get"], path  # read-only
        operation = operations["get"]
        assert operation["operationId"] == operation_id
        assert operation["security"] == [{"personalToken": []}, {"staffSession": []}]
        assert {"200", "401", "403", "429"} <= set(operation["responses"]), path
        if "statistics" not in path:
            assert "404" in operation["responses"], path  # not yours, or a page past the end
        if not path.endswith("}/"):
            assert "400" in operation["responses"], path
    case_list = schema["paths"]["/api/staff/v1/cases/"]["get"]
    names = {p["name"] for p in case_list["parameters"]}
    assert names >= {"area", "status", "date_of_death_from", "updated_since", "page", "page_size"}


def test_the_docs_page_and_docs_api_md_describe_the_staff_api():
    from pathlib import Path

    from django.conf import settings

    page = Client().get("/api/docs/").text
    text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()

    for path in STAFF_OPERATIONS:
        assert f"GET {path}" in page
        assert f"`GET {path}`" in text
    assert 'id="staff-api"' in page
    assert "cdop_pat_" in text


@pytest.mark.parametrize("listing", ["cases/", "notifications/", "actions/"])
def test_a_list_reads_the_same_number_of_queries_for_one_row_or_many(
    listing, client, alice, kim, llr
):
    token = token_for(alice)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def add_one(n: int) -> None:
        case = CaseFactory(area=llr, reference=f"LLR-2026-05{n:02d}", key_worker=kim)
        NotificationFactory(area=llr, reference=f"NTF-QQQQ-00{n:02d}", case=case)
        ActionFactory(case=case)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/staff/v1/{listing}", **headers).status_code == 200
        return len(captured)

    add_one(0)
    queries()  # the first use of a token notes when it was used
    one = queries()
    for n in range(1, 6):
        add_one(n)

    assert queries() == one
