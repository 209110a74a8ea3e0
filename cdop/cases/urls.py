from __future__ import annotations

from django.urls import path

from cdop.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/transition/<str:name>/", views.case_transition, name="transition"),
    path("<str:reference>/section/<slug:key>/", views.case_section, name="section"),
]
