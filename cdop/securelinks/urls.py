from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.securelinks import views

app_name = "securelinks"
urlpatterns: list[URLPattern | URLResolver] = [
    # Fixed paths first: "code" is not a token (tokens are 43 characters).
    path("code/", views.code, name="code"),
    path("code/new/", views.code_resend, name="code_resend"),
    path("<str:token>/", views.land, name="land"),
]
