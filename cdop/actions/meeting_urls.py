from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "actions_meeting"
urlpatterns: list[URLPattern | URLResolver] = []
