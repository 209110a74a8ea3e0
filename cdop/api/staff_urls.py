from __future__ import annotations

from django.urls import path

from cdop.api import staff_views

app_name = "api_staff"
urlpatterns = [
    path("", staff_views.client_list, name="list"),
    path("new/", staff_views.client_register, name="register"),
    path("<int:pk>/token/", staff_views.client_token, name="token"),
    path("<int:pk>/revoke/", staff_views.client_revoke, name="revoke"),
]
