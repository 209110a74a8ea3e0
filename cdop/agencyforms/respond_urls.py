"""The agency's pages, opened through a secure link (/reporting-form/)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.agencyforms import respond_views as views

app_name = "agencyforms_respond"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path("tasks/", views.tasks, name="tasks"),
    path("forms/<int:form_id>/<slug:section_id>/", views.section, name="section"),
    path("files/", views.files, name="files"),
    path("files/<int:document_id>/remove/", views.file_remove, name="file_remove"),
    path("check/", views.check, name="check"),
    path("sent/", views.receipt, name="receipt"),
]
