from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "learning_case"
urlpatterns: list[URLPattern | URLResolver] = []
