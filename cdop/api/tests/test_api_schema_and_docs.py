"""The API describes itself: an OpenAPI 3 schema, and a documentation page made from it that
needs no scripts from elsewhere. docs/api.md keeps in step with the serializer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client

from cdop.api.docs import api_markdown
from cdop.api.serializers import NotificationSubmissionSerializer
from cdop.notifications.reference import Ethnicity, PlaceOfDeath

pytestmark = pytest.mark.django_db

FIELDS = list(NotificationSubmissionSerializer().fields)


def test_the_schema_is_openapi_3_in_yaml_and_json():
    as_yaml = Client().get("/api/schema/")
    as_json = Client().get("/api/schema/?format=json")

    assert as_yaml.status_code == as_json.status_code == 200
    from_yaml = yaml.safe_load(as_yaml.content)
    from_json = json.loads(as_json.content)
    assert from_yaml == from_json
    assert from_json["openapi"].startswith("3.")


def test_the_schema_documents_the_endpoints_fields_auth_and_responses():
    schema = json.loads(Client().get("/api/schema/?format=json").content)

    create = schema["paths"]["/api/v1/notifications/"]["post"]
    assert set(create["responses"]) >= {"200", "201", "400", "401", "413", "429"}
    assert "/api/v1/notifications/{reference}/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert create["security"] == [{"bearerAuth": []}]
    request = schema["components"]["schemas"]["NotificationSubmissionRequest"]
    assert list(request["properties"]) == FIELDS
    assert "submission_token" in request["required"]
    for name, prop in request["properties"].items():
        assert prop.get("description"), name
    enums = schema["components"]["schemas"]
    assert enums["ChildEthnicityEnum"]["enum"] == list(Ethnicity.values)
    assert enums["PlaceOfDeathEnum"]["enum"] == list(PlaceOfDeath.values)


def test_the_docs_page_lists_every_field_and_enum_without_outside_scripts():
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    text = response.text
    for name in FIELDS:
        assert f'id="field-{name}"' in text
    for value in Ethnicity.values:
        assert f"<code>{value}</code>" in text
    assert "POST /api/v1/notifications/" in text
    assert "curl" in text
    assert "Authorization: Bearer $CDOP_API_TOKEN" in text
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "default-src 'none'" in policy
    assert "cdn" not in text.lower()
    for tag in text.split("<script")[1:]:
        assert 'src="http' not in tag.split(">")[0]


def test_docs_api_md_is_up_to_date_with_the_schema():
    text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()

    assert text == api_markdown(), "Run: python manage.py write_api_docs"
    for name in FIELDS:
        assert f"| `{name}` |" in text, name
