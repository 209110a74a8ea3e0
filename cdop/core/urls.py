from __future__ import annotations

from django.urls import path

from cdop.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("floor/", views.floor, name="floor"),
    path("floor/layout/", views.floor_layout, name="floor_layout"),
    path("floor/rows/", views.floor_rows, name="floor_rows"),
    path("administration/", views.administration, name="administration"),
]
