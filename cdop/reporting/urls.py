from __future__ import annotations

from django.urls import path

from cdop.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("annual/", views.annual_index, name="annual_index"),
    path("annual/<slug:area>/", views.annual_page, name="annual"),
    path("annual/<slug:area>.pdf", views.annual_pdf, name="annual_pdf"),
    path("annual/<slug:area>.xlsx", views.annual_xlsx, name="annual_xlsx"),
]
