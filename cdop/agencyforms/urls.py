from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.agencyforms import views

app_name = "agencyforms"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("request/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/withdraw/", views.revoke, name="revoke"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/chase/", views.chase, name="chase"),
]
