"""The tracker and single actions, at /staff/actions/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.actions import views

app_name = "actions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.tracker, name="tracker"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/change/", views.action_edit, name="edit"),
    path("<int:pk>/status/", views.action_status, name="status"),
]
