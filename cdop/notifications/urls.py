from __future__ import annotations

from django.urls import path

from cdop.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/open-case/", views.open_case, name="open_case"),
    path("<str:reference>/add-to-case/", views.add_to_case, name="add_to_case"),
    path("<str:reference>/undo-add-to-case/", views.undo_add_to_case, name="undo_add_to_case"),
]
