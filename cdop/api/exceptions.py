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
        exc = _throttled(exc)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = exceptions.UnsupportedMediaType("", detail=UNSUPPORTED)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        response.data = {"errors": {"non_field_errors": [NOT_JSON]}}
    elif response.status_code == 400:
        _errors_by_field(response)
    return response


def _errors_by_field(response: Response) -> None:
    detail = response.data
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail}
    elif set(detail) == {"detail"}:
        detail = {"non_field_errors": [detail["detail"]]}
    response.data = {"errors": detail}


# --- The staff API ---------------------------------------------------------------------------

STAFF_NOT_FOUND = "Nothing with that reference that you may read."
STAFF_READ_ONLY = "The staff API only reads: use GET."


class PageNotFoundError(exceptions.NotFound):  # type: ignore[misc]
    """A page past the end of a list: its message says how many pages there are."""


def _throttled(exc: exceptions.Throttled) -> exceptions.Throttled:
    wait = int(exc.wait or 60)
    throttled = exceptions.Throttled(wait=wait)
    throttled.detail = exceptions.ErrorDetail(
        f"Too many requests. Wait {wait} seconds, then try again.", code="throttled"
    )
    return throttled


def staff_api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The staff API's errors: 400 as {"errors": {...}} like the notifications API, anything
    else as {"detail": "..."}; a 404 says only that there is nothing the caller may read."""
    from cdop.api.authentication import STAFF_MISSING

    auth_header = getattr(exc, "auth_header", None)
    if isinstance(exc, exceptions.NotAuthenticated):
        exc = exceptions.NotAuthenticated(STAFF_MISSING)
        exc.auth_header = auth_header  # type: ignore[attr-defined]
    elif isinstance(exc, Http404 | exceptions.NotFound) and not isinstance(exc, PageNotFoundError):
        view = context.get("view")
        exc = exceptions.NotFound(getattr(view, "not_found_message", STAFF_NOT_FOUND))
    elif isinstance(exc, exceptions.Throttled):
        exc = _throttled(exc)
    elif isinstance(exc, exceptions.MethodNotAllowed):
        exc = exceptions.MethodNotAllowed("", detail=STAFF_READ_ONLY)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 400:
        _errors_by_field(response)
    return response
