from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cdop.accounts import permissions
from cdop.areas.forms import AreaPageForm
from cdop.areas.models import Area, PageKind
from cdop.areas.rendering import render_page_markdown
from cdop.areas.selectors import area_get_public, area_page_get
from cdop.areas.services import area_page_update


def public_page(request: HttpRequest, area_slug: str, kind: str) -> HttpResponse:
    area = area_get_public(slug=area_slug)
    request.public_area = area  # type: ignore[attr-defined]
    page = area_page_get(area=area, kind=kind)
    return render(
        request,
        "areas/public_page.html",
        {"area": area, "page": page, "body_html": render_page_markdown(page.body), "kind": kind},
    )


@login_required
def staff_pages(request: HttpRequest) -> HttpResponse:
    area_ids = permissions.area_ids_with_roles(request.user, permissions.AREA_ADMINISTRATORS)
    if not area_ids:
        raise Http404
    areas = Area.objects.filter(pk__in=area_ids).prefetch_related("pages")
    return render(request, "areas/staff_pages.html", {"areas": areas, "kinds": PageKind.choices})


@login_required
def staff_page_edit(request: HttpRequest, area_slug: str, kind: str) -> HttpResponse:
    area = Area.objects.filter(slug=area_slug).first()
    if (
        area is None
        or kind not in PageKind.values
        or not permissions.can_edit_area_pages(request.user, area)
    ):
        raise Http404
    page = area_page_get(area=area, kind=kind)
    if request.method == "POST":
        form = AreaPageForm(request.POST)
        if form.is_valid():
            area_page_update(
                area=area,
                kind=kind,
                by=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
            messages.success(request, f"“{form.cleaned_data['title']}” is published.")
            return redirect("areas_staff:staff_pages")
    else:
        form = AreaPageForm(initial={"title": page.title, "body": page.body})
    preview = render_page_markdown(form.data.get("body", page.body) if form.is_bound else page.body)
    return render(
        request,
        "areas/staff_page_edit.html",
        {"area": area, "page": page, "form": form, "preview": preview, "kind": kind},
    )
