"""Retention pages for an area's administrators: the policy of each of their areas, what
the daily job has anonymised, and the subject-access export. Anyone else gets a 404."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.audit.services import audit_actor
from cdop.core.errors import DomainError
from cdop.retention import selectors, services
from cdop.retention.forms import RetentionPolicyForm, SubjectSearchForm
from cdop.retention.models import DEFAULT_YEARS, MIN_YEARS, SubjectAccessExport


def _admin(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    if not selectors.admin_area_ids(user):
        raise Http404
    return user


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    return render(
        request,
        "retention/index.html",
        {
            "areas": selectors.retention_overview(user=user),
            "anonymised": selectors.recent_anonymised(user=user),
            "default_years": DEFAULT_YEARS,
            "min_years": MIN_YEARS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = _admin(request)
    area = Area.objects.filter(slug=slug).first()
    if area is None or area.pk not in selectors.admin_area_ids(user):
        raise Http404
    policy = selectors.retention_policy_for(area=area)
    status = 200
    if request.method == "POST":
        form = RetentionPolicyForm(request.POST)
        if form.is_valid():
            try:
                services.retention_policy_update(
                    area=area,
                    by=user,
                    years_after_finalised=form.cleaned_data["years_after_finalised"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    f"{area.name} now keeps cases identifiable for "
                    f"{form.cleaned_data['years_after_finalised']} years after the review is "
                    "finalised.",
                )
                return redirect("retention:index")
        status = 400
    else:
        form = RetentionPolicyForm(
            initial={
                "years_after_finalised": policy.years_after_finalised if policy else DEFAULT_YEARS,
                "reason": policy.reason if policy else "",
            }
        )
    return render(
        request,
        "retention/policy.html",
        {"area": area, "form": form, "policy": policy, "default_years": DEFAULT_YEARS},
        status=status,
    )


def _query(form: SubjectSearchForm) -> selectors.SubjectQuery:
    data = form.cleaned_data
    return selectors.SubjectQuery(
        name=" ".join(data["name"].split()),
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        postcode=data.get("postcode") or "",
    )


def _audit_search(user: User, query: selectors.SubjectQuery, count: int) -> None:
    """A search for a person is a look at their data: recorded, as a case search is."""
    content_type = ContentType.objects.get_for_model(SubjectAccessExport)
    with audit_actor(user):
        for area_id in selectors.admin_area_ids(user):
            LogEntry.objects.create(
                content_type=content_type,
                object_pk="",
                object_repr="subject access search",
                action=LogEntry.Action.ACCESS,
                actor=user,
                timestamp=timezone.now(),
                additional_data={
                    "subject_access_search": query.name,
                    "searched_with": sorted(query.searched_with),
                    "results": count,
                    "area_id": area_id,
                },
            )


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest) -> HttpResponse:
    """Search for a named adult (POST, so names stay out of addresses and server logs),
    then confirm which of the matches are them."""
    user = _admin(request)
    if request.method == "GET":
        return render(request, "retention/subject_access.html", {"form": SubjectSearchForm()})
    form = SubjectSearchForm(request.POST)
    if not form.is_valid():
        return render(request, "retention/subject_access.html", {"form": form}, status=400)
    query = _query(form)
    matches = selectors.subject_search(user=user, query=query)
    _audit_search(user, query, len(matches))
    return render(
        request,
        "retention/subject_access.html",
        {"form": form, "query": query, "matches": matches, "searched": True},
    )


@login_required
@require_POST
def subject_access_export(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    form = SubjectSearchForm(request.POST)
    if not form.is_valid():
        return render(request, "retention/subject_access.html", {"form": form}, status=400)
    query = _query(form)
    keys = [key for key in request.POST.getlist("records") if key]
    try:
        data, record = services.subject_access_export(by=user, query=query, keys=keys)
    except DomainError as error:
        matches = selectors.subject_search(user=user, query=query)
        return render(
            request,
            "retention/subject_access.html",
            {
                "form": form,
                "query": query,
                "matches": matches,
                "searched": True,
                "export_error": error.message,
                "selected": set(keys),
            },
            status=400,
        )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{record.pk}-{record.at:%Y-%m-%d}.zip"'
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
