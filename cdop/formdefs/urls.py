from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.formdefs import views

app_name = "formdefs"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.formdef_index, name="index"),
    path("publish/", views.formdef_publish, name="publish"),
    path("<slug:code>/retire/", views.formdef_retire, name="retire"),
    path("<slug:code>/<int:version>/", views.formdef_detail, name="detail"),
    path("<slug:code>/<int:version>/json/", views.formdef_json, name="json"),
]
