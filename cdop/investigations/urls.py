from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.investigations import views

app_name = "investigations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.event_list, name="list"),
    path("<slug:kind>/add/", views.event_add, name="add"),
    path("<slug:kind>/<int:pk>/", views.event_edit, name="edit"),
]
