"""The agency directory pages under /staff/agencies/.

Those who run cases read their areas' directories; only administrators change them. Anyone
else gets a 404, the same as for an organisation that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.agencies import selectors, services
from cdop.agencies.forms import ContactEditForm, ContactForm, OrganisationEditForm, OrganisationForm
from cdop.agencies.models import Organisation
from cdop.agencies.presenters import directory_rows_html
from cdop.areas.models import Area
from cdop.audit.services import audit_read
from cdop.core.errors import DomainError


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


def _area(request: HttpRequest) -> tuple[Area, list[Area]]:
    areas = selectors.directory_areas_for_user(user=_user(request))
    if not areas:
        raise Http404
    wanted = request.GET.get("area") or request.POST.get("area") or ""
    chosen = next((a for a in areas if a.slug == wanted), areas[0])
    return chosen, areas


def _form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    save: Callable[[], object],
    done: str,
    then: Callable[[], str],
    page: dict[str, Any],
) -> HttpResponse:
    """A valid POST saves and moves on; bad input or a refused rule shows the form again,
    with what was typed, and a 400."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save()
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, done)
                return redirect(then())
        status = 400
    return render(request, "agencies/form.html", {"form": form, **page}, status=status)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    area, areas = _area(request)
    kind = request.GET.get("kind", "")
    if kind not in Organisation.Kind.values:
        kind = ""
    search = request.GET.get("q", "").strip()[:100]
    organisations = list(selectors.organisations_list(area=area, kind=kind, search=search))
    return render(
        request,
        "agencies/directory.html",
        {
            "area": area,
            "areas": areas,
            "organisations": organisations,
            "rows_html": directory_rows_html(organisations),
            "kinds": Organisation.Kind.choices,
            "kind": kind,
            "search": search,
            "can_edit": permissions.can_edit_agency_directory(request.user, area),
        },
    )


@login_required
def organisation_new(request: HttpRequest) -> HttpResponse:
    area, _ = _area(request)
    if not permissions.can_edit_agency_directory(request.user, area):
        raise Http404
    form = OrganisationForm(request.POST or None)
    made: list[Organisation] = []

    def save() -> None:
        made.append(
            services.organisation_create(
                area=area,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                notes=form.cleaned_data["notes"],
                by=_user(request),
            )
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done="Organisation added. Now add the people who complete its forms.",
        then=lambda: reverse("agencies:organisation", args=[made[0].pk]),
        page={
            "title": "Add an organisation",
            "button": "Add organisation",
            "back": reverse("agencies:directory") + f"?area={area.slug}",
            "area": area,
        },
    )


@login_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.organisation_get_for_user(user=_user(request), pk=pk)
    audit_read(obj=found)
    return render(
        request,
        "agencies/organisation.html",
        {
            "organisation": found,
            "contacts": found.contacts.order_by("-active", "name"),
            "can_edit": permissions.can_edit_agency_directory(request.user, found.area),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.organisation_get_for_user(user=_user(request), pk=pk)
    if not permissions.can_edit_agency_directory(request.user, found.area):
        raise Http404
    form = OrganisationEditForm(
        request.POST or None,
        initial={
            "name": found.name,
            "kind": found.kind,
            "notes": found.notes,
            "active": found.active,
        },
    )

    def save() -> None:
        services.organisation_update(
            organisation=found,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            notes=form.cleaned_data["notes"],
            active=form.cleaned_data["active"],
            by=_user(request),
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done="Organisation saved.",
        then=lambda: reverse("agencies:organisation", args=[found.pk]),
        page={
            "title": f"Change {found.name}",
            "button": "Save",
            "back": reverse("agencies:organisation", args=[found.pk]),
            "area": found.area,
        },
    )


@login_required
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.organisation_get_for_user(user=_user(request), pk=pk)
    if not permissions.can_edit_agency_directory(request.user, found.area):
        raise Http404
    form = ContactForm(request.POST or None)

    def save() -> None:
        services.contact_create(
            organisation=found,
            name=form.cleaned_data["name"],
            job_title=form.cleaned_data["job_title"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            by=_user(request),
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done="Contact added.",
        then=lambda: reverse("agencies:organisation", args=[found.pk]),
        page={
            "title": f"Add a contact at {found.name}",
            "button": "Add contact",
            "back": reverse("agencies:organisation", args=[found.pk]),
            "area": found.area,
        },
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=_user(request), pk=pk)
    if not permissions.can_edit_agency_directory(request.user, contact.organisation.area):
        raise Http404
    form = ContactEditForm(
        request.POST or None,
        initial={
            "name": contact.name,
            "job_title": contact.job_title,
            "email": contact.email,
            "phone": contact.phone,
            "active": contact.active,
        },
    )

    def save() -> None:
        services.contact_update(
            contact=contact,
            name=form.cleaned_data["name"],
            job_title=form.cleaned_data["job_title"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            active=form.cleaned_data["active"],
            by=_user(request),
        )

    return _form_page(
        request,
        form=form,
        save=save,
        done="Contact saved.",
        then=lambda: reverse("agencies:organisation", args=[contact.organisation_id]),
        page={
            "title": f"Change {contact.name}",
            "button": "Save",
            "back": reverse("agencies:organisation", args=[contact.organisation_id]),
            "area": contact.organisation.area,
        },
    )
