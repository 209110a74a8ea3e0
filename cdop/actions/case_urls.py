"""A case's actions and the family feedback, at /staff/cases/<reference>/actions/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.actions import views

app_name = "actions_case"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_actions, name="list"),
    path("add/", views.case_action_add, name="add"),
    path("family-feedback/", views.family_feedback, name="family_feedback"),
]
