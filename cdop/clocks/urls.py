from __future__ import annotations

from django.urls import path

from cdop.clocks import views

app_name = "clocks"
urlpatterns = [
    path("", views.settings_list, name="settings"),
    path("<slug:slug>/", views.settings_edit, name="edit"),
]
