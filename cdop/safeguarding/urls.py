from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.safeguarding import views

app_name = "safeguarding"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.safeguarding_overview, name="overview"),
    path("looked-after/", views.profile_edit, name="profile"),
    path("concerns/add/", views.concern_add, name="concern_add"),
    path("concerns/<int:pk>/", views.concern_edit, name="concern_edit"),
    path("concerns/<int:pk>/referrals/add/", views.referral_add, name="referral_add"),
    path("referrals/<int:pk>/", views.referral_edit, name="referral_edit"),
]
