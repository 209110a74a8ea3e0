"""The family's own pages, opened by their secure link (no account).

Nothing from the record is shown here: only what the family wrote themselves.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cdop.securelinks.decorators import link_required


@link_required("family_voice")
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "familyvoice/public/start.html")
