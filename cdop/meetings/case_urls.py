from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "meetings_case"
urlpatterns: list[URLPattern | URLResolver] = []
