from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "agencyforms_respond"
urlpatterns: list[URLPattern | URLResolver] = []
