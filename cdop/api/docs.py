"""The API reference for people, read from the OpenAPI schema so the two cannot disagree.

/api/docs/ renders it on the server: the content security policy (and a hospital network)
would stop a JavaScript viewer loaded from elsewhere.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from cdop.api.serializers import example_submission

STAFF_PREFIX = "/api/staff/"
# drf-spectacular appends the choices to a description as "* `value` - Label" lines.
_CHOICE_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$", re.MULTILINE)


@dataclass(frozen=True, kw_only=True)
class FieldDoc:
    name: str
    type: str
    required: bool
    description: str
    max_length: int | None = None
    default: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class ResponseDoc:
    status: str
    description: str
    body: str


@dataclass(frozen=True, kw_only=True)
class OperationDoc:
    method: str
    path: str
    summary: str
    description: str
    responses: tuple[ResponseDoc, ...]
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class ApiReference:
    title: str
    version: str
    description: str
    openapi: str
    auth: str
    operations: tuple[OperationDoc, ...]
    # The read-only staff API (/api/staff/), documented apart: its readers are staff.
    staff_operations: tuple[OperationDoc, ...]
    staff_auth: str
    request_fields: tuple[FieldDoc, ...]
    receipt_fields: tuple[FieldDoc, ...]
    status_fields: tuple[FieldDoc, ...]


def api_schema() -> dict[str, Any]:
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return schema


@lru_cache(maxsize=1)
def api_reference() -> ApiReference:
    """The schema as the documentation page needs it (built once per process)."""
    schema = api_schema()
    components: dict[str, Any] = schema["components"]["schemas"]
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = tuple(
                ResponseDoc(
                    status=code,
                    description=response.get("description", ""),
                    body=_body_name(response),
                )
                for code, response in sorted(operation.get("responses", {}).items())
            )
            operations.append(
                OperationDoc(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    responses=responses,
                    parameters=tuple(
                        (str(p["name"]), str(p.get("description", "")).split("\n\n* `")[0])
                        for p in operation.get("parameters", [])
                        if p.get("in") == "query"
                    ),
                )
            )
    schemes = schema["components"].get("securitySchemes", {})
    auth = schemes.get("bearerAuth", {})
    return ApiReference(
        title=schema["info"]["title"],
        version=schema["info"]["version"],
        description=schema["info"].get("description", ""),
        openapi=schema["openapi"],
        auth=auth.get("description", ""),
        operations=tuple(op for op in operations if not op.path.startswith(STAFF_PREFIX)),
        staff_operations=tuple(op for op in operations if op.path.startswith(STAFF_PREFIX)),
        staff_auth=schemes.get("personalToken", {}).get("description", ""),
        request_fields=_fields(components, "NotificationSubmissionRequest"),
        receipt_fields=_fields(components, "NotificationReceipt"),
        status_fields=_fields(components, "NotificationStatus"),
    )


def _resolve(components: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    """A property with any $ref (direct or in allOf) merged in."""
    ref = prop.get("$ref") or next(
        (part["$ref"] for part in prop.get("allOf", []) if "$ref" in part), None
    )
    if ref is None:
        return prop
    target: dict[str, Any] = components[ref.rsplit("/", 1)[-1]]
    return {**target, **{k: v for k, v in prop.items() if k not in ("$ref", "allOf")}}


def _fields(components: dict[str, Any], name: str) -> tuple[FieldDoc, ...]:
    component = components[name]
    required = set(component.get("required", []))
    fields = []
    for field_name, raw in component["properties"].items():
        prop = _resolve(components, raw)
        kind = prop.get("type", "string")
        if "format" in prop:
            kind = f"{kind} ({prop['format']})"
        if "enum" in prop:
            kind = "string (one of the values listed)"
        described: str = prop.get("description", "")
        labels = {m["value"]: m["label"] for m in _CHOICE_LINE.finditer(described)}
        default = prop.get("default")
        fields.append(
            FieldDoc(
                name=field_name,
                type=kind,
                required=field_name in required,
                description=described.split("\n\n* `")[0].strip(),
                max_length=prop.get("maxLength"),
                default="" if default in (None, "") else _json_text(default),
                choices=tuple(
                    (str(value), labels.get(value, "")) for value in prop.get("enum", [])
                ),
            )
        )
    return tuple(fields)


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _body_name(response: dict[str, Any]) -> str:
    content = response.get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    return str(ref.rsplit("/", 1)[-1]) if ref else ""


def curl_example(site_url: str) -> str:
    """A complete request with the example notification, ready to paste into a shell."""
    url = f"{site_url.rstrip('/')}{reverse('api:notification-create')}"
    body = json.dumps(example_submission(), indent=2)
    return (
        f"curl --fail-with-body -X POST {url} \\\n"
        '  -H "Authorization: Bearer $CDOP_API_TOKEN" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        f"  --data-binary @- <<'JSON'\n{body}\nJSON"
    )


# Where the example in docs/api.md points: each installation has its own address.
EXAMPLE_SITE_URL = "https://cdr.example.nhs.uk"


def api_markdown() -> str:
    """docs/api.md: the same reference as /api/docs/, as Markdown for the repository."""
    from django.template.loader import render_to_string

    text = render_to_string(
        "api/api.md", {"reference": api_reference(), "curl": curl_example(EXAMPLE_SITE_URL)}
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
