from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cdop.api import staff_api_views, views

app_name = "api"
urlpatterns = [
    path("v1/notifications/", views.NotificationCreateView.as_view(), name="notification-create"),
    path(
        "v1/notifications/<str:reference>/",
        views.NotificationStatusView.as_view(),
        name="notification-status",
    ),
    # The read-only staff API (personal access tokens or a signed-in session).
    path("staff/v1/cases/", staff_api_views.CaseListView.as_view(), name="staff-case-list"),
    path(
        "staff/v1/cases/<str:reference>/",
        staff_api_views.CaseDetailView.as_view(),
        name="staff-case-detail",
    ),
    path(
        "staff/v1/notifications/",
        staff_api_views.NotificationListView.as_view(),
        name="staff-notification-list",
    ),
    path(
        "staff/v1/notifications/<str:reference>/",
        staff_api_views.NotificationDetailView.as_view(),
        name="staff-notification-detail",
    ),
    path("staff/v1/actions/", staff_api_views.ActionListView.as_view(), name="staff-action-list"),
    path(
        "staff/v1/actions/<int:id>/",
        staff_api_views.ActionDetailView.as_view(),
        name="staff-action-detail",
    ),
    path("staff/v1/statistics/", staff_api_views.StatisticsView.as_view(), name="staff-statistics"),
    path(
        "staff/v1/statistics/annual/",
        staff_api_views.AnnualReportView.as_view(),
        name="staff-annual-report",
    ),
    # YAML by default; ?format=json for JSON.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
]
