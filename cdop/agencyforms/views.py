"""The CDR team's pages for Reporting Forms: per case (/staff/cases/<reference>/forms/) and
across the area (/staff/reporting-forms/).

Every case page starts from case_get_for_user, so anyone who may not read the case gets the
same 404 as for a case that does not exist. Anyone who reads the case sees its requests (the
key worker too: which agencies have answered is part of the review they support); only those
who run cases request, withdraw, resend or chase, and others get a 404 for those pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.agencies.selectors import contacts_available
from cdop.agencyforms import selectors, services
from cdop.agencyforms.forms import RequestForm, RevokeForm
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.presenters import organisation_options_html, outstanding_rows_html
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.formdefs.models import FormDefinition
from cdop.formdefs.selectors import formdefs_available, formdefs_suggested_for_case

# Outstanding forms a page: a screenful to act on (the list is work, not a report).
PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


def _case(request: HttpRequest, reference: str, *, manage: bool = False) -> Case:
    case = case_get_for_user(user=_user(request), reference=reference)
    if manage and not permissions.can_manage_case(request.user, case):
        raise Http404
    return case


def _index_url(case: Case) -> str:
    return reverse("agencyforms:index", kwargs={"reference": case.reference})


def _detail_url(case: Case, form_request: FormRequest) -> str:
    return reverse(
        "agencyforms:detail", kwargs={"reference": case.reference, "pk": form_request.pk}
    )


@login_required
def index(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    audit_read(obj=case)
    rows = selectors.form_requests_for_case(case=case)
    return render(
        request,
        "agencyforms/index.html",
        {
            "case": case,
            "rows": rows,
            "returned": any(r.request.status == FormRequest.Status.SUBMITTED for r in rows),
            "can_manage": permissions.can_manage_case(request.user, case),
        },
    )


@login_required
def new(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, manage=True)
    contacts = contacts_available(area=case.area)
    core = formdefs_available(kind=FormDefinition.Kind.CORE)
    supplementary = formdefs_available(kind=FormDefinition.Kind.SUPPLEMENTARY)
    suggested = {d.pk for d in formdefs_suggested_for_case(case=case)}
    form = RequestForm(
        request.POST or None,
        contacts=contacts,
        definitions=core + supplementary,
        initial={
            "due_on": services.form_request_due_default(),
            "definitions": [str(d.pk) for d in core] + [str(pk) for pk in suggested],
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.form_request_create(
                    case=case,
                    contacts=form.chosen_contacts(),
                    definitions=form.chosen_definitions(),
                    due_on=form.cleaned_data["due_on"],
                    note=form.cleaned_data["note"],
                    by=_user(request),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    f"{len(made)} request{'s' if len(made) != 1 else ''} sent. Each contact gets "
                    "an email with their own link.",
                )
                return redirect(_index_url(case))
        status = 400
    if form.is_bound:
        ticked_contacts = set(request.POST.getlist("contacts"))
        ticked_definitions = set(request.POST.getlist("definitions"))
    else:
        ticked_contacts = set()
        ticked_definitions = {str(v) for v in form.initial["definitions"]}
    organisations: dict[str, list[tuple[str, object, bool]]] = {}
    for contact in contacts:
        organisations.setdefault(contact.organisation.name, []).append(
            (str(contact.pk), contact, str(contact.pk) in ticked_contacts)
        )
    return render(
        request,
        "agencyforms/new.html",
        {
            "case": case,
            "form": form,
            "organisations": organisations,
            "core": [(str(d.pk), d, str(d.pk) in ticked_definitions) for d in core],
            "supplementary": [
                (str(d.pk), d, str(d.pk) in ticked_definitions, d.pk in suggested)
                for d in supplementary
            ],
            "back": _index_url(case),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference)
    form_request = selectors.form_request_get_for_user(user=_user(request), case=case, pk=pk)
    audit_read(obj=form_request)
    return render(
        request,
        "agencyforms/detail.html",
        {
            "case": case,
            "row": selectors.request_row(form_request, today=timezone.localdate()),
            "form_request": form_request,
            "number": services.form_request_reference(form_request),
            "forms": selectors.requested_forms_of(form_request=form_request),
            "chases": selectors.chases_of(form_request=form_request),
            "links": list(form_request.links.order_by("created_at", "pk")),
            "can_manage": permissions.can_manage_case(request.user, case),
            "revoke_form": RevokeForm(),
        },
    )


def _managed_request(request: HttpRequest, reference: str, pk: int) -> tuple[Case, FormRequest]:
    case = _case(request, reference, manage=True)
    return case, selectors.form_request_get_for_user(user=_user(request), case=case, pk=pk)


@login_required
def revoke(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case, form_request = _managed_request(request, reference, pk)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.form_request_revoke(
                    form_request=form_request, by=_user(request), reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Request withdrawn. Its link no longer works.")
                return redirect(_detail_url(case, form_request))
        status = 400
    return render(
        request,
        "agencyforms/revoke.html",
        {
            "case": case,
            "form_request": form_request,
            "form": form,
            "number": services.form_request_reference(form_request),
            "back": _detail_url(case, form_request),
        },
        status=status,
    )


@login_required
@require_POST
def resend(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case, form_request = _managed_request(request, reference, pk)
    try:
        services.form_request_resend(form_request=form_request, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "A new link has been sent. The earlier links no longer work.")
    return redirect(_detail_url(case, form_request))


@login_required
@require_POST
def chase(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case, form_request = _managed_request(request, reference, pk)
    try:
        services.form_request_chase_now(form_request=form_request, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Reminder sent to {form_request.contact.name}.")
    # Back where the button was: the case's list of requests, or the request's page.
    if request.POST.get("next") == "index":
        return redirect(_index_url(case))
    return redirect(_detail_url(case, form_request))


# --- Across the area -----------------------------------------------------------------------


@login_required
def outstanding(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.can_view_outstanding_forms(user):
        raise Http404
    organisations = selectors.outstanding_organisations(user=user)
    organisation_id: int | None = None
    wanted = request.GET.get("organisation", "")
    if wanted.isdigit() and any(o.pk == int(wanted) for o in organisations):
        organisation_id = int(wanted)
    overdue_only = request.GET.get("overdue") == "1"
    query = selectors.outstanding_form_requests(
        user=user, organisation_id=organisation_id, overdue_only=overdue_only
    )
    page = Paginator(query.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = selectors.outstanding_rows(
        page_ids=list(page.object_list),
        organisation_names={o.pk: o.name for o in organisations},
    )
    return render(
        request,
        "agencyforms/outstanding.html",
        {
            "page": page,
            "rows": rows,
            "rows_html": outstanding_rows_html(rows),
            "organisation_options_html": organisation_options_html(organisations, organisation_id),
            "organisation_id": organisation_id,
            "overdue_only": overdue_only,
        },
    )
