from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "chronology"
urlpatterns: list[URLPattern | URLResolver] = []
