from __future__ import annotations

from django.urls import path

from cdop.areas import views

app_name = "areas"
urlpatterns = [
    path("<slug:area_slug>/", views.public_page, {"kind": "about"}, name="home"),
    path("<slug:area_slug>/<slug:kind>/", views.public_page, name="page"),
]
