"""When the database cannot be reached: a 503 "try again" page, never a 500.

A request whose view, middleware or session save raised django.db.OperationalError or
InterfaceError (the database stopped, restarting, refusing connections, or a connection
dropped mid-request) gets 503 Service Unavailable with Retry-After: the GOV.UK page for
people, JSON for API clients. Nothing was stored by that request (its transaction, if any,
did not commit), so the page says the notification has not been sent: sending it again
with the same form is safe, because the submission token makes the send idempotent.

Django turns an exception raised anywhere inside the middleware stack into a 500 response
before the outer middleware sees it, so the exception is noticed through the
got_request_exception signal (sent while it is being handled) and the 500 replaced here.
The page is rendered without the request's context processors: they read the session,
the user and the areas, all of which live in the database that is not there.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait; a person reads "a few minutes".
RETRY_AFTER_SECONDS = 30
_FLAG = "_cdop_database_unavailable"
API_PREFIX = "/api/"
NOTIFY_PATH = "/notify/"
API_DETAIL = (
    "The service cannot reach its database at the moment, so nothing was stored. Wait "
    f"{RETRY_AFTER_SECONDS} seconds, then send the same request again with the same "
    "submission_token: you will not create a duplicate."
)
_FALLBACK_PAGE = (
    "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Sorry, there is a "
    "problem with the service</title></head><body><h1>Sorry, there is a problem with the "
    "service</h1><p>Try again in a few minutes. Your notification has not been sent.</p>"
    "</body></html>"
)


def is_database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or the connection broke (not a bad query)."""
    return isinstance(error, OperationalError | InterfaceError)


def _note_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """got_request_exception receiver: mark the request when the exception being handled
    is the database being unavailable."""
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, _FLAG, True)


def connect_signals() -> None:
    got_request_exception.connect(_note_exception, dispatch_uid="cdop.ops.database_unavailable")


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503: JSON under /api/, the GOV.UK page elsewhere; never cached."""
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": API_DETAIL}, status=503)
    else:
        try:
            content: str = render_to_string(
                "ops/503.html",
                {
                    "service_name": settings.SERVICE_NAME,
                    # The public form: a send (or a page's answers) that failed was not
                    # stored; a page that could not be shown lost nothing.
                    "notifying": NOTIFY_PATH in request.path,
                    "sending": request.method == "POST",
                },
            )
        except Exception:  # a template problem must not turn the 503 back into a 500
            logger.exception("The 503 page could not be rendered")
            content = _FALLBACK_PAGE
        response = HttpResponse(content, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


class DatabaseUnavailableMiddleware:
    """Turns "the database is not there" into a 503 "try again" page.

    Place it just after the CSP middleware (so the page still gets the security headers)
    and before the session middleware (so a session that cannot be read or saved is
    caught too).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        connect_signals()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _FLAG, False):
            logger.warning(
                "Database unavailable during %s %s: answered 503", request.method, request.path
            )
            return database_unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view's exception, answered here directly (no 500 page rendered first)."""
        if is_database_unavailable(exception):
            setattr(request, _FLAG, True)
            return database_unavailable_response(request)
        return None
