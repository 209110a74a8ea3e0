from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "actions_case"
urlpatterns: list[URLPattern | URLResolver] = []
