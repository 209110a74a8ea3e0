from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.agencyforms import views

app_name = "agencyforms_area"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.outstanding, name="outstanding"),
]
