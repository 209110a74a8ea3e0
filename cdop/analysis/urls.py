from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.analysis import views

app_name = "analysis"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.detail, name="detail"),
    path("edit/", views.edit, name="edit"),
]
