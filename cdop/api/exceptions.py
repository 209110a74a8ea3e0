"""Every API error as JSON a developer can act on.

400 answers are always `{"errors": {"field": ["message", ...]}}`, with the web form's
messages; other errors are `{"detail": "message"}`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cdop.api.authentication import MISSING

NOT_FOUND = "No notification with that reference was sent by your system."
NOT_JSON = (
    "The request body must be a JSON object, sent with Content-Type: application/json. "
    "Check for a missing comma, quote or bracket."
)
UNSUPPORTED = "Send the notification as JSON, with the header Content-Type: application/json"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    auth_header = getattr(exc, "auth_header", None)  # set by DRF on a 401
    if isinstance(exc, exceptions.NotAuthenticated):
        exc = exceptions.NotAuthenticated(MISSING)
        exc.auth_header = auth_header  # type: ignore[attr-defined]
    elif isinstance(exc, Http404 | exceptions.NotFound):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        throttled = exceptions.Throttled(wait=wait)
        throttled.detail = exceptions.ErrorDetail(
            f"Too many requests. Wait {wait} seconds, then try again.", code="throttled"
        )
        exc = throttled
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = exceptions.UnsupportedMediaType("", detail=UNSUPPORTED)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        response.data = {"errors": {"non_field_errors": [NOT_JSON]}}
    elif response.status_code == 400:
        detail = response.data
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail}
        elif set(detail) == {"detail"}:
            detail = {"non_field_errors": [detail["detail"]]}
        response.data = {"errors": detail}
    return response
