from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.dataquality import views

app_name = "dataquality"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<slug:area>/", views.area_page, name="area"),
    path("<slug:area>/check-again/", views.area_refresh, name="refresh"),
]
