from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.dataquality import views

app_name = "dataquality_case"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_page, name="page"),
]
