"""Learning themes at /staff/learning/: the themes and their anonymised learning, the
area's own themes, and the approvers' pages for the public learning page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.learning import views

app_name = "learning"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<slug:area_slug>/add-theme/", views.theme_add, name="theme_add"),
    path("<slug:area_slug>/themes/<slug:theme_slug>/", views.theme_detail, name="theme"),
    path("<slug:area_slug>/themes/<slug:theme_slug>/change/", views.theme_edit, name="theme_edit"),
    path("<slug:area_slug>/public/", views.public_admin, name="public_admin"),
    path("<slug:area_slug>/public/<slug:theme_slug>/", views.public_text_edit, name="public_text"),
]
