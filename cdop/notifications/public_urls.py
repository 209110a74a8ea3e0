from __future__ import annotations

from django.urls import path

from cdop.notifications import public_views as views

app_name = "notify"
urlpatterns = [
    path("<slug:area_slug>/notify/", views.notify_start, name="form"),
    path("<slug:area_slug>/notify/check/", views.notify_check, name="check"),
    path("<slug:area_slug>/notify/sent/", views.notify_done, name="done"),
    path("<slug:area_slug>/notify/sent/copy/", views.notify_copy, name="copy"),
    path("<slug:area_slug>/notify/start-again/", views.notify_start_again, name="restart"),
    path("<slug:area_slug>/notify/not-notified-here/", views.notify_not_here, name="not_here"),
    path("<slug:area_slug>/notify/<slug:page_slug>/", views.notify_page, name="page"),
]
