from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cdop.api import views

app_name = "api"
urlpatterns = [
    path("v1/notifications/", views.NotificationCreateView.as_view(), name="notification-create"),
    path(
        "v1/notifications/<str:reference>/",
        views.NotificationStatusView.as_view(),
        name="notification-status",
    ),
    # YAML by default; ?format=json for JSON.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
]
