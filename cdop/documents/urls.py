from __future__ import annotations

from django.urls import path

from cdop.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("upload/", views.document_upload, name="upload"),
    path("<int:document_id>/download/", views.document_download, name="download"),
    path("<int:document_id>/withdraw/", views.document_withdraw, name="withdraw"),
]
