"""The family's pages, included under /staff/cases/<reference>/family/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.family import views

app_name = "family"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("key-worker/", views.key_worker, name="key_worker"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/add/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("details/", views.profile, name="profile"),
    path("members/add/", views.member_add, name="member_add"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("dates-to-avoid/add/", views.avoid_add, name="avoid_add"),
    path("dates-to-avoid/<int:pk>/remove/", views.avoid_remove, name="avoid_remove"),
    path("questions/add/", views.question_add, name="question_add"),
    path("questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("letters/", views.letter_list, name="letters"),
    path("letters/<str:kind>/", views.letter, name="letter"),
]
