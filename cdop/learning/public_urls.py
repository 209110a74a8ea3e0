"""The area's public learning page, at /<area>/learning/. Included before the areas' own
/<area>/<kind>/ pages, so "learning" is never taken for a kind of area page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.learning import views

app_name = "learning_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:area_slug>/learning/", views.public_page, name="page"),
]
