"""The database stopped: people get a 503 "try again" page, API clients a JSON 503, both
with Retry-After; never a 500. A bad query (a bug) is still a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client

import config.settings as project_settings
from cdop.ops.middleware import RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware

MIDDLEWARE_PATH = "cdop.ops.middleware.DatabaseUnavailableMiddleware"
SORRY = "Sorry, there is a problem with the service"


class SessionStoreDown:
    """A middleware inside ours whose database work fails, as the session middleware's
    does when PostgreSQL stops between the view and the session save."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.endswith("/middleware-down/"):
            raise OperationalError("server closed the connection unexpectedly")
        return self.get_response(request)


def _with_ours(middleware: list[str]) -> list[str]:
    """The project's middleware with ours just after the CSP middleware, as documented."""
    stack = [m for m in middleware if m != MIDDLEWARE_PATH]
    stack.insert(stack.index("csp.middleware.CSPMiddleware") + 1, MIDDLEWARE_PATH)
    return stack


@pytest.fixture(autouse=True)
def failing_pages(settings: Any) -> None:
    settings.ROOT_URLCONF = "cdop.ops.tests.urls"
    settings.MIDDLEWARE = _with_ours(list(settings.MIDDLEWARE))


@pytest.fixture
def visitor() -> Client:
    # Like a browser: the exception becomes a response, it is not re-raised into the test.
    return Client(raise_request_exception=False)


def test_the_project_installs_the_middleware_after_csp_and_before_sessions() -> None:
    # The settings module as written (the fixture above rearranges the live settings).
    stack = list(project_settings.MIDDLEWARE)
    assert MIDDLEWARE_PATH in stack, "add cdop.ops.middleware.DatabaseUnavailableMiddleware"
    assert stack.index("csp.middleware.CSPMiddleware") < stack.index(MIDDLEWARE_PATH)
    assert stack.index(MIDDLEWARE_PATH) < stack.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


@pytest.mark.django_db
def test_public_form_page_with_the_database_down_says_try_again(visitor: Client) -> None:
    response = visitor.post("/llr/notify/ops-test-down/", {"child_first_name": "Ava"})

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert SORRY in body
    assert "Try again in a few minutes" in body
    assert "Your notification has not been sent" in body
    assert "You will not create a duplicate" in body
    # The security headers still apply to the page (the CSP middleware is outside ours).
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "Internal Server Error" not in body


@pytest.mark.django_db
def test_staff_page_with_the_database_down_is_503_without_the_notification_wording(
    visitor: Client,
) -> None:
    response = visitor.get("/staff/ops-test-down/")

    assert response.status_code == 503
    body = response.content.decode()
    assert SORRY in body
    assert "If you were saving something, it has not been saved" in body
    assert "Your notification has not been sent" not in body


@pytest.mark.django_db
def test_api_with_the_database_down_answers_json_503(visitor: Client) -> None:
    response = visitor.post(
        "/api/v1/ops-test-down/", data={"submission_token": "x"}, content_type="application/json"
    )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    detail = response.json()["detail"]
    assert "nothing was stored" in detail
    assert "same submission_token" in detail


@pytest.mark.django_db
def test_database_failing_inside_another_middleware_is_also_503(
    settings: Any, visitor: Client
) -> None:
    """Django turns an exception in a middleware into a 500 before ours sees it; the
    got_request_exception signal tells ours it was the database."""
    stack = list(settings.MIDDLEWARE)
    stack.insert(stack.index(MIDDLEWARE_PATH) + 1, f"{__name__}.SessionStoreDown")
    settings.MIDDLEWARE = stack

    response = visitor.post("/llr/notify/middleware-down/")

    assert response.status_code == 503
    assert "Your notification has not been sent" in response.content.decode()


@pytest.mark.django_db
def test_a_form_page_that_could_not_be_shown_does_not_say_the_notification_failed(
    visitor: Client,
) -> None:
    """A GET (the confirmation page, say) sent nothing: the notification may well be in."""
    response = visitor.get("/llr/notify/ops-test-down/")

    assert response.status_code == 503
    body = response.content.decode()
    assert "Your notification has not been sent" not in body
    assert "Nothing you have saved or sent is lost" in body
    assert "you will not create a duplicate" in body


@pytest.mark.django_db
def test_a_bad_query_is_a_bug_and_stays_a_500(visitor: Client) -> None:
    response = visitor.get("/staff/ops-test-bad-query/")

    assert response.status_code == 500
    assert "Error code 503" not in response.content.decode()
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_pages_that_work_are_untouched(visitor: Client) -> None:
    response = visitor.get("/llr/notify/")

    assert response.status_code == 200
    assert "Retry-After" not in response


def test_the_page_renders_without_a_database() -> None:
    """No django_db mark: any query while rendering the 503 page would fail this test."""
    request = HttpRequest()
    request.path = "/llr/notify/check/"
    request.method = "POST"

    def view(request: HttpRequest) -> HttpResponse:
        raise OperationalError("the database is not there")

    middleware = DatabaseUnavailableMiddleware(view)
    response = middleware.process_exception(request, OperationalError("down"))

    assert response is not None
    assert response.status_code == 503
    assert SORRY in response.content.decode()
