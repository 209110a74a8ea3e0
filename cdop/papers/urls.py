from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.papers import views

app_name = "papers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("meetings/<int:meeting_id>/", views.papers_page, name="meeting"),
    path("meetings/<int:meeting_id>/publish/", views.papers_publish_view, name="publish"),
    path("meetings/<int:meeting_id>/download/", views.papers_download_view, name="download"),
    path("settings/<slug:slug>/", views.papers_setting_edit, name="setting"),
]
