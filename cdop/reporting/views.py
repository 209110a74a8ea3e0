from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cdop.accounts import permissions
from cdop.areas.models import Area
from cdop.reporting.selectors import statistics_for_area


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    area_ids = permissions.area_ids_with_roles(request.user, permissions.STATISTICS_READERS)
    areas = Area.objects.filter(pk__in=area_ids).order_by("name")
    return render(
        request,
        "reporting/statistics.html",
        {"stats": [statistics_for_area(area=area) for area in areas]},
    )
