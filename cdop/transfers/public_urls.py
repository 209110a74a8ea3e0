from __future__ import annotations

from django.urls import path

from cdop.transfers import views

app_name = "transfer_pack"
urlpatterns = [
    path("<str:token>/", views.pack_download, name="download"),
]
