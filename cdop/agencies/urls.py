from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.agencies import views

app_name = "agencies"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.directory, name="directory"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/change/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/change/", views.contact_edit, name="contact_edit"),
]
