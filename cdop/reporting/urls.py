from __future__ import annotations

from django.urls import path

from cdop.reporting import views

app_name = "reporting"
urlpatterns = [path("", views.statistics, name="statistics")]
