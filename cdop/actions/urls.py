from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "actions"
urlpatterns: list[URLPattern | URLResolver] = []
