from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "learning_public"
urlpatterns: list[URLPattern | URLResolver] = []
