"""The area's letters to families, edited by its administrators. Included at
/staff/letter-templates/ (config/urls.py)."""

from __future__ import annotations

from django.urls import path

from cdop.family import views

app_name = "family_staff"
urlpatterns = [
    path("", views.letter_templates, name="letter_templates"),
    path("<slug:area_slug>/<str:kind>/", views.letter_template_edit, name="letter_template_edit"),
]
