from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cdop.accounts import permissions
from cdop.areas.models import Area
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.clocks.forms import SETTING_FIELDS, ClockSettingsForm
from cdop.clocks.presenters import clock_table_rows
from cdop.clocks.selectors import (
    case_clocks_shown,
    clock_settings_for_area,
    clock_status,
)
from cdop.clocks.services import clock_settings_update


def stage_section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case overview's "Stage and clocks": one query (the clocks). The time spent in
    each stage is on the case's status history page, which reads the transitions anyway."""
    clocks = case_clocks_shown(case=case, user=request.user)  # type: ignore[arg-type]
    now = timezone.now()
    return {
        "stage": case.get_status_display(),
        "clocks": bool(clocks),
        "rows_html": clock_table_rows((clock, clock_status(clock, now=now)) for clock in clocks),
    }


def _areas_for(request: HttpRequest) -> list[Area]:
    ids = permissions.area_ids_with_roles(request.user, permissions.AREA_ADMINISTRATORS)
    return list(Area.objects.filter(pk__in=ids).order_by("name"))


@login_required
def settings_list(request: HttpRequest) -> HttpResponse:
    areas = _areas_for(request)
    if not areas:
        raise Http404
    if len(areas) == 1:
        return redirect("clocks:edit", slug=areas[0].slug)
    return render(request, "clocks/settings_list.html", {"areas": areas})


@login_required
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    area = Area.objects.filter(slug=slug).first()
    if area is None or not permissions.can_edit_clock_settings(request.user, area):
        raise Http404
    current = clock_settings_for_area(area_id=area.pk)
    if request.method == "POST":
        form = ClockSettingsForm(request.POST)
        if form.is_valid():
            clock_settings_update(area=area, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, f"Timescales for {area.name} saved.")
            return redirect("clocks:edit", slug=area.slug)
        status = 400
    else:
        audit_read(obj=current)
        form = ClockSettingsForm(
            initial={name: getattr(current, name) for name, _, _ in SETTING_FIELDS}
        )
        status = 200
    return render(request, "clocks/settings_edit.html", {"area": area, "form": form}, status=status)
