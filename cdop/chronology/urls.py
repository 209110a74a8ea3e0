from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.chronology import views

app_name = "chronology"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.chronology_page, name="page"),
    path("pdf/", views.chronology_pdf_download, name="pdf"),
]
