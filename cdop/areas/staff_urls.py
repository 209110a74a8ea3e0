from __future__ import annotations

from django.urls import path

from cdop.areas import views

app_name = "areas_staff"
urlpatterns = [
    path("pages/", views.staff_pages, name="staff_pages"),
    path("pages/<slug:area_slug>/<slug:kind>/", views.staff_page_edit, name="staff_page_edit"),
]
