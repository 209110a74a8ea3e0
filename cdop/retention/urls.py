from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.retention import views

app_name = "retention"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("policy/<slug:slug>/", views.policy_edit, name="policy"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("subject-access/export/", views.subject_access_export, name="subject_access_export"),
]
