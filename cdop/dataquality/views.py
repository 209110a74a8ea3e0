"""The data-quality pages: a case's issues with where to fix each, and an area's cases worst
first with its most common problems. For the area's case readers (administrators, CDR
managers, designated doctors); anyone else gets the 404 of a page that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.areas.selectors import area_get_allowed
from cdop.audit.services import audit_read
from cdop.cases.selectors import case_get_for_user
from cdop.core.forms import field_options_html
from cdop.dataquality import selectors, services
from cdop.dataquality.checks import RULES_BY_ID, Kind
from cdop.dataquality.forms import AreaFilterForm
from cdop.dataquality.presenters import area_rows_html

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=_user(request), reference=reference)
    if not permissions.can_read_data_quality(request.user, case.area_id):
        raise Http404
    quality = services.case_quality_check(case=case)
    audit_read(obj=case)
    return render(
        request,
        "dataquality/case.html",
        {
            "case": case,
            "quality": quality,
            "groups": [
                ("Contradictions", quality.by_kind(Kind.CONTRADICTION)),
                ("Missing required items", quality.by_kind(Kind.MISSING)),
                ("Answered ‘not known’", quality.by_kind(Kind.NOT_KNOWN)),
            ],
        },
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    areas = selectors.areas_for_user(request.user)
    if not areas:
        raise Http404
    if len(areas) == 1:
        return redirect(reverse("dataquality:area", kwargs={"area": areas[0].slug}))
    return render(request, "dataquality/index.html", {"areas": areas})


def _area(request: HttpRequest, slug: str) -> Area:
    return area_get_allowed(
        slug=slug, allowed=lambda area_id: permissions.can_read_data_quality(request.user, area_id)
    )


@login_required
def area_page(request: HttpRequest, area: str) -> HttpResponse:
    found = _area(request, area)
    form = AreaFilterForm(request.GET or None)
    status = 200
    filters: dict[str, object] = {}
    if request.GET and not form.is_valid():
        # A stage or problem that is not on the list: say so, and show every case.
        status = 400
    elif form.is_bound:
        rule_id = form.cleaned_data.get("rule") or ""
        filters = {
            "status": form.cleaned_data.get("status") or "",
            "only_problems": bool(form.cleaned_data.get("problems")),
            "rule": RULES_BY_ID.get(rule_id),
        }
    page, rows, summary = selectors.area_page(
        area=found,
        number=request.GET.get("page"),
        size=PAGE_SIZE,
        **filters,  # type: ignore[arg-type]
    )
    query = {k: v for k, v in request.GET.items() if k != "page" and v} if status == 200 else {}
    return render(
        request,
        "dataquality/area.html",
        {
            "area": found,
            "form": form,
            "page": page,
            "rows": rows,
            "rows_html": area_rows_html(rows),
            "status_options": field_options_html(form, "status"),
            "rule_options": field_options_html(form, "rule"),
            "summary": summary,
            "filtered": bool(query),
            "recent_days": selectors.RECENT_FINALISED_DAYS,
            "several_areas": len(
                permissions.area_ids_with_roles(request.user, permissions.DATA_QUALITY_READERS)
            )
            > 1,
        },
        status=status,
    )


@login_required
@require_POST
def area_refresh(request: HttpRequest, area: str) -> HttpResponse:
    found = _area(request, area)
    services.quality_refresh_request(area=found)
    messages.success(
        request,
        "Every case is being checked again. Reload this page in a minute to see the new scores.",
    )
    return redirect(reverse("dataquality:area", kwargs={"area": found.slug}))
