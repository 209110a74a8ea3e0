from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cdop.accounts import permissions
from cdop.areas.selectors import area_default, area_list_active
from cdop.cases.presenters import LIST_COLUMNS, case_list_rows
from cdop.cases.selectors import case_list_for_user
from cdop.core.context_processors import administration_links
from cdop.work.selectors import start_page_counts


def public_home(request: HttpRequest) -> HttpResponse:
    """The public site opens on the area's page; an installation of several lists them."""
    area = area_default()
    if area is not None:
        return redirect("areas:page", area.slug, "about")
    return render(request, "core/choose_area.html", {"areas": area_list_active()})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the person's counts (from the areas' kept totals where they can be,
    cdop.cases.totals) and their roles."""
    user = request.user
    can_read_cases = bool(permissions.area_ids_with_roles(user, permissions.CASE_READERS))
    can_read_queue = bool(permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS))
    context = {
        "can_read_queue": can_read_queue,
        "memberships": user.memberships.select_related("area"),  # type: ignore[union-attr]
        "can_read_cases": can_read_cases,
        **start_page_counts(user=user, now=timezone.now()),  # type: ignore[arg-type]
        "can_view_team_work": permissions.can_view_team_work(user),
    }
    return render(request, "core/home.html", context)


@login_required
def administration(request: HttpRequest) -> HttpResponse:
    """The area administrators' settings and records, one link each."""
    if not permissions.can_read_audit_log(request.user):
        raise Http404
    return render(request, "core/administration.html", {"admin_links": administration_links()})


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """A trivial staff page through the full middleware stack: the benchmarks' floor."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def floor_layout(request: HttpRequest) -> HttpResponse:
    """The floor with the shared staff layout (header, navigation, footer) and no content: the
    benchmarks' second yardstick, the least any staff page renders."""
    return render(request, "core/floor_layout.html")


@login_required
def floor_rows(request: HttpRequest) -> HttpResponse:
    """The layout floor with fifty cases the person may read, from one statement, written as
    the case list writes its rows (no filters, count, pages or audit): the benchmarks' third
    yardstick, the least a list page of fifty cases does."""
    if not permissions.area_ids_with_roles(request.user, permissions.CASE_READERS):
        raise Http404
    cases = case_list_for_user(user=request.user)  # type: ignore[arg-type]
    rows = case_list_rows(cases.values_list(*LIST_COLUMNS)[:50], {})
    return render(request, "core/floor_rows.html", {"rows": rows})


def _error(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    return render(
        request, "core/error.html", {"title": title, "body": body, "status": status}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        "Sorry, there is a problem with that request",
        "Something in the request was not what the service expected. Go back and try again.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        "You cannot do that",
        "Your account does not allow this. If you think it should, ask your administrator.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted the web address, "
        "check you copied the entire address. If you followed a link to a record, you may "
        "not have access to it.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        "Your form could not be sent",
        "The page had been open too long, or it was sent from somewhere else. Nothing was "
        "saved from this attempt. Go back, reload the page and send the form again.",
    )


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = _error(
        request,
        429,
        "Too many attempts",
        "You have sent this form too many times in a short while. Wait 10 minutes and try "
        "again. If a child has died and you cannot notify us, phone the review team.",
    )
    response["Retry-After"] = "600"
    return response
