"""The project's URLs plus the letter-template pages, for tests, until config/urls.py
includes cdop.family.staff_urls at /staff/letter-templates/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from config.urls import urlpatterns as project_urls

urlpatterns: list[URLPattern | URLResolver] = list(project_urls)
if not any(getattr(p, "namespace", None) == "family_staff" for p in project_urls):
    urlpatterns.insert(0, path("staff/letter-templates/", include("cdop.family.staff_urls")))
