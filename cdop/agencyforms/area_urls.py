from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "agencyforms_area"
urlpatterns: list[URLPattern | URLResolver] = []
