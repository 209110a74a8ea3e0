from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.familyvoice import public_views

app_name = "familyvoice_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.start, name="start"),
]
