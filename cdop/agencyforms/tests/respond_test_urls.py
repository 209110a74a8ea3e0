"""The site's URLs plus the staff pages of the respond side, until cdop.agencyforms.urls
(owned by the requests pages) carries them."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cdop.agencyforms import respond_views
from config.urls import urlpatterns as site

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "staff/cases/<str:reference>/forms/<int:request_id>/answers/",
        respond_views.request_answers,
    ),
    *site,
]
