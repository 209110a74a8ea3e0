from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.meetings import case_views

app_name = "meetings_case"
urlpatterns: list[URLPattern | URLResolver] = [
    path("items/<int:item_id>/triage/", case_views.case_item_triage, name="triage"),
]
