"""A case's learning themes, at /staff/cases/<reference>/learning/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.learning import views

app_name = "learning_case"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_themes, name="themes"),
]
