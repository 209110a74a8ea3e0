"""The project's URLs with this app mounted where the lead mounts it (/staff/retention/),
until config/urls.py includes it."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/retention/", include("cdop.retention.urls")),
    *[p for p in project_urlpatterns if "retention" not in str(getattr(p, "pattern", ""))],
]
