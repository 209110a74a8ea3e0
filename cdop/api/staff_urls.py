from __future__ import annotations

from django.urls import path

from cdop.api import staff_views

app_name = "api_staff"
urlpatterns = [
    path("", staff_views.client_list, name="list"),
    path("new/", staff_views.client_register, name="register"),
    path("<int:pk>/token/", staff_views.client_token, name="token"),
    path("<int:pk>/revoke/", staff_views.client_revoke, name="revoke"),
    # Personal access tokens for the staff API: every member of staff, their own.
    path("tokens/", staff_views.token_list, name="tokens"),
    path("tokens/new/", staff_views.token_create, name="token-create"),
    path("tokens/<int:pk>/", staff_views.token_created, name="token-created"),
    path("tokens/<int:pk>/revoke/", staff_views.token_revoke, name="token-revoke"),
]
