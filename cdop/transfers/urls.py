from __future__ import annotations

from django.urls import path

from cdop.transfers import views

app_name = "transfers"
urlpatterns = [
    path("link/<int:pk>/renew/", views.link_renew, name="link_renew"),
    path("link/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("<str:reference>/", views.transfer, name="transfer"),
    path("<str:reference>/inside/", views.transfer_inside, name="inside"),
    path("<str:reference>/outside/", views.transfer_outside, name="outside"),
]
