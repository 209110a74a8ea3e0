from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "familyvoice_public"
urlpatterns: list[URLPattern | URLResolver] = []
