"""The NCMD pages: a case's exports (send it now, what was sent, whether it needs sending
again), and an area's exports (bulk export of a period, the list of bulk exports, the cases
needing re-sending). For the area's administrators and CDR managers only: anyone else gets
the same 404 as for a case or area that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.areas.selectors import area_get_allowed, areas_with_roles
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.ncmd import presenters, selectors, services
from cdop.ncmd.forms import BulkExportForm
from cdop.ncmd.models import PeriodBasis

RESEND_LIST_LIMIT = 200


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


def _case(request: HttpRequest, reference: str) -> Case:
    case = case_get_for_user(user=_user(request), reference=reference)
    if not permissions.can_export_ncmd(request.user, case.area_id):
        raise Http404
    return case


def _area(request: HttpRequest, slug: str) -> Area:
    return area_get_allowed(
        slug=slug, allowed=lambda area_id: permissions.can_export_ncmd(request.user, area_id)
    )


@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    audit_read(obj=case)
    return render(
        request,
        "ncmd/case.html",
        {
            "case": case,
            "exports": selectors.case_exports(case=case),
            "needs_resend": selectors.case_needs_resend(case=case),
        },
    )


@login_required
@require_POST
def case_send(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    try:
        export = services.ncmd_export_case(case=case, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Case {case.reference} was sent to NCMD as {export.file_name}.")
    return redirect(reverse("ncmd_case:page", kwargs={"reference": case.reference}))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    areas = areas_with_roles(user=request.user, roles=permissions.NCMD_EXPORTERS)
    if not areas:
        raise Http404
    if len(areas) == 1:
        return redirect(reverse("ncmd:area", kwargs={"area": areas[0].slug}))
    return render(request, "ncmd/index.html", {"areas": areas})


@login_required
def area_page(request: HttpRequest, area: str) -> HttpResponse:
    found = _area(request, area)
    start, end = services.year_to_31_march(timezone.localdate())
    form = BulkExportForm(
        request.POST or None,
        initial={"basis": PeriodBasis.DATE_OF_DEATH, "date_from": start, "date_to": end},
    )
    # Its fields' markup: made once a process for the blank form of a period (the form's
    # templates cost more than the rest of the page), as it is for one sent back with errors.
    form_html = form.render() if form.is_bound else presenters.blank_bulk_export_form(start, end)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = services.ncmd_bulk_request(
                    area=found,
                    by=_user(request),
                    basis=form.cleaned_data["basis"],
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    f"The bulk export of {batch.date_from:%-d %B %Y} to {batch.date_to:%-d %B %Y} "
                    "has started. Its file appears in the list below when it is ready.",
                )
                return redirect(reverse("ncmd:area", kwargs={"area": found.slug}))
        status = 400
    resend = selectors.resend_rows(area=found, limit=RESEND_LIST_LIMIT + 1)
    batches = selectors.area_batches(area=found)
    recent = selectors.area_recent_exports(area=found)
    return render(
        request,
        "ncmd/area.html",
        {
            "area": found,
            "form": form,
            "form_html": form_html,
            "batches": batches,
            "batches_html": presenters.batch_rows_html(batches),
            "recent": recent,
            "recent_html": presenters.recent_items_html(recent),
            "resend": resend[:RESEND_LIST_LIMIT],
            "resend_html": presenters.resend_rows_html(resend[:RESEND_LIST_LIMIT]),
            "resend_more": len(resend) > RESEND_LIST_LIMIT,
        },
        status=status,
    )
