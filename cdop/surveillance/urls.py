from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.surveillance import views

app_name = "surveillance"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<slug:area>/<slug:group>/", views.group, name="group"),
]
