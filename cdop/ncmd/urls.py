from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.ncmd import views

app_name = "ncmd"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<slug:area>/", views.area_page, name="area"),
]
