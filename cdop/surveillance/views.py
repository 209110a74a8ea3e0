"""The surveillance dashboard (figures only, for the area's case readers and the panel
chair) and the deaths behind a group's recent count (for those who read every case of the
area). Anyone else gets the same 404 as for an area that does not exist."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cdop.accounts.models import User
from cdop.surveillance import rules, selectors, services
from cdop.surveillance.forms import DashboardForm
from cdop.surveillance.presenters import signal_rows_html


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    areas = selectors.surveillance_areas_for_user(user=user)
    if not areas:
        raise Http404
    slug = request.GET.get("area", "").strip() or areas[0].slug
    area = selectors.surveillance_area_get_for_user(user=user, slug=slug, readable=areas)
    form = DashboardForm(request.GET)
    context: dict[str, object] = {"area": area, "areas": areas, "form": form}
    if not form.is_valid():
        return render(request, "surveillance/index.html", context, status=400)
    window, years = form.value("window"), form.value("years")
    dashboard = selectors.surveillance_dashboard(area=area, window_days=window, years=years)
    services.surveillance_read_audit(user=user, area=area, window_days=window, years=years)
    drill_down = selectors.can_drill_down(user=user, area=area)
    query = urlencode({"window": window, "years": years})
    context |= {
        "dashboard": dashboard,
        "window": window,
        "years": years,
        "drill_down": drill_down,
        "alerts": selectors.signal_alerts_recent(area=area),
        "query": query,
        "signal_rows": signal_rows_html(
            dashboard.signals,
            area_slug=area.slug,
            window_days=dashboard.period.window_days,
            drill_down=drill_down,
            query=query,
        ),
    }
    return render(request, "surveillance/index.html", context)


@login_required
def group(request: HttpRequest, area: str, group: str) -> HttpResponse:
    user = _user(request)
    found = selectors.surveillance_area_get_for_user(user=user, slug=area)
    watched = rules.GROUPS_BY_CODE.get(group)
    if watched is None or not selectors.can_drill_down(user=user, area=found):
        raise Http404
    form = DashboardForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "surveillance/group.html",
            {"area": found, "group": watched, "form": form},
            status=400,
        )
    window, years = form.value("window"), form.value("years")
    period = selectors.period_for(area_id=found.pk, window_days=window, years=years)
    deaths = selectors.group_deaths_for_user(user=user, area=found, group=watched, period=period)
    services.surveillance_read_audit(
        user=user,
        area=found,
        window_days=window,
        years=years,
        group=watched.code,
        records=[row.record for row in deaths],
    )
    return render(
        request,
        "surveillance/group.html",
        {
            "area": found,
            "group": watched,
            "form": form,
            "period": period,
            "deaths": deaths,
            "back": "?" + urlencode({"area": found.slug, "window": window, "years": years}),
        },
    )
