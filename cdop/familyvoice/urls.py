from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.familyvoice import views

app_name = "familyvoice"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("send/", views.send, name="send"),
    path("<int:pk>/withdraw/", views.revoke, name="revoke"),
]
