"""The project's URLs plus one page behind an agency link, so the secure-link tests do not
depend on the agency form pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from cdop.securelinks.decorators import link_required
from config.urls import urlpatterns as project_urls


@link_required("agency_form")
def agency_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"agency page for request {request.secure_link.form_request_id}")  # type: ignore[attr-defined]


@link_required("agency_form", allow_used=True)
def agency_receipt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("receipt")


test_patterns: list[URLPattern | URLResolver] = [
    path("agency/", agency_page, name="agency"),
    path("agency/receipt/", agency_receipt, name="receipt"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("securelinks-test/", include((test_patterns, "securelinks_test"))),
    *project_urls,
]
