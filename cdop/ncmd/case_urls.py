from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.ncmd import views

app_name = "ncmd_case"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_page, name="page"),
    path("send/", views.case_send, name="send"),
]
