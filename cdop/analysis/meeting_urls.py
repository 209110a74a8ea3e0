from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.analysis import views

app_name = "analysis_meeting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.meeting_detail, name="detail"),
    path("edit/", views.meeting_edit, name="edit"),
    path("finalise/", views.meeting_finalise, name="finalise"),
]
