from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cdop.accounts import permissions
from cdop.areas.forms import AreaPageForm, PostcodeCheckForm, ResidenceOverrideForm
from cdop.areas.models import Area, PageKind
from cdop.areas.rendering import render_page_markdown
from cdop.areas.residence import (
    ResidenceDecision,
    council_name,
    postcode_display,
    postcode_normalise,
    residence_decide,
    residence_override,
)
from cdop.areas.selectors import area_get_public, area_page_get
from cdop.areas.services import area_page_update
from cdop.audit.services import audit_read
from cdop.core.errors import DomainError
from cdop.notifications.reference import ResidenceStatus
from cdop.notifications.selectors import notification_get_for_user


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


# --- Where the child lived -----------------------------------------------------------------
# The two forms live here rather than in forms.py only because that file belongs to other
# work in progress; they can move there unchanged.


def _decision_rows(decision: ResidenceDecision) -> list[tuple[str, str]]:
    def council(code: str) -> str:
        name = council_name(code)
        return f"{name} ({code})" if name else (code or "Not known")

    return [
        ("Decision", ResidenceStatus(decision.status).label),
        ("Lower-tier council", council(decision.lower_code)),
        ("Upper-tier council", council(decision.upper_code)),
        ("Reviewing panel on this system", decision.area.name if decision.area else "None"),
        ("Why", decision.explanation),
    ]


@login_required
def postcode_check(request: HttpRequest) -> HttpResponse:
    """Check a postcode: which council and which panel, without recording anything."""
    area_ids = permissions.area_ids_with_roles(request.user, permissions.CASE_READERS)
    if not area_ids:
        raise Http404
    areas = list(Area.objects.filter(pk__in=area_ids).order_by("name"))
    decision = None
    shown = ""
    status = 200
    # POST keeps postcodes out of addresses, histories and server logs.
    if request.method == "POST":
        form = PostcodeCheckForm(request.POST, areas=areas)
        if form.is_valid():
            home_area = form.cleaned_data.get("area") or areas[0]
            decision = residence_decide(postcode=form.cleaned_data["postcode"], home_area=home_area)
            shown = postcode_display(postcode_normalise(form.cleaned_data["postcode"]) or "")
        else:
            status = 400
    else:
        form = PostcodeCheckForm(areas=areas)
    return render(
        request,
        "areas/residence_check.html",
        {
            "form": form,
            "decision": decision,
            "shown": shown,
            "rows": _decision_rows(decision) if decision else [],
            "home_area": areas[0] if len(areas) == 1 else None,
        },
        status=status,
    )


@login_required
def notification_residence(request: HttpRequest, reference: str) -> HttpResponse:
    """A person decides where the child lived, with a reason (cdop.areas.residence)."""
    notification = notification_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if not permissions.can_triage_notification(request.user, notification):
        raise PermissionDenied("Your role does not allow you to change where the child lived.")
    status = 200
    if request.method == "POST":
        form = ResidenceOverrideForm(request.POST, home_area=notification.area)
        if form.is_valid():
            try:
                residence_override(
                    notification=notification,
                    status=form.cleaned_data["status"],
                    area=form.cleaned_data["area"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                label = ResidenceStatus(form.cleaned_data["status"]).label
                messages.success(request, f"Where the child lived is now: {label}.")
                return redirect(notification.get_absolute_url())
        status = 400
    else:
        audit_read(obj=notification)
        form = ResidenceOverrideForm(
            home_area=notification.area,
            initial={
                "status": notification.residence_status,
                "area": notification.residence_area_id,
            },
        )
    postcode_says = residence_decide(
        postcode=notification.child_postcode, home_area=notification.area
    )
    return render(
        request,
        "areas/residence_override.html",
        {
            "notification": notification,
            "form": form,
            "current": ResidenceStatus(notification.residence_status).label,
            "postcode_says": postcode_says,
        },
        status=status,
    )
