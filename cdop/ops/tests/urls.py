"""The project's URLs plus pages that fail as they would with the database stopped, for the
503 tests: a public form page, a staff page, an API view, and a bug (a bad query)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urls

DOWN = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


def notify_down(request: HttpRequest, area_slug: str) -> HttpResponse:
    raise OperationalError(DOWN)


def staff_down(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def bad_query(request: HttpRequest) -> HttpResponse:
    raise ProgrammingError('relation "no_such_table" does not exist')


class ApiDown(APIView):  # type: ignore[misc]
    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes: list[type] = []

    def post(self, request: Request) -> Response:
        raise OperationalError(DOWN)


urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:area_slug>/notify/ops-test-down/", notify_down),
    path("staff/ops-test-down/", staff_down),
    path("staff/ops-test-bad-query/", bad_query),
    path("api/v1/ops-test-down/", ApiDown.as_view()),
    *project_urls,
]
