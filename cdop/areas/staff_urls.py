from __future__ import annotations

from django.urls import path

from cdop.areas import views

app_name = "areas_staff"
urlpatterns = [
    path("pages/", views.staff_pages, name="staff_pages"),
    path("pages/<slug:area_slug>/<slug:kind>/", views.staff_page_edit, name="staff_page_edit"),
    path("postcodes/", views.postcode_check, name="postcode_check"),
    # Resolves here because the notifications URLs have no such pattern (their references
    # never contain a slash).
    path(
        "notifications/<str:reference>/residence/",
        views.notification_residence,
        name="notification_residence",
    ),
]
