from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.agencyforms import respond_views, views

app_name = "agencyforms"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("request/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/withdraw/", views.revoke, name="revoke"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/chase/", views.chase, name="chase"),
    # Reading returns (cdop.agencyforms.respond_views)
    path("<int:request_id>/answers/", respond_views.request_answers, name="answers"),
    path("collation/", respond_views.collation, name="collation"),
    path("collation/pdf/", respond_views.collation_pdf_download, name="collation_pdf"),
]
