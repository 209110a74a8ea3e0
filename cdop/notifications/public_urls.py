from __future__ import annotations

from django.urls import path

from cdop.notifications import public_views as views

app_name = "notify"
urlpatterns = [
    path("<slug:area_slug>/notify/", views.notify, name="form"),
    path("<slug:area_slug>/notify/sent/", views.notify_done, name="done"),
]
