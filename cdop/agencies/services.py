"""Keeping the agency directory: organisations and their contacts, by area administrators.

Nothing is deleted: an organisation or contact that is no longer used is made inactive, so
the requests made to them keep pointing at who they went to.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.agencies.models import AgencyContact, Organisation
from cdop.areas.models import Area
from cdop.audit.services import audit_actor
from cdop.core.errors import DomainError


def _check_editor(*, by: User, area: Area) -> None:
    if not permissions.can_read_agency_directory(by, area):
        raise Http404
    if not permissions.can_edit_agency_directory(by, area):
        raise DomainError("Only the area's administrators can change the agency directory.")


def _name_taken(*, area: Area, name: str, exclude_pk: int | None) -> bool:
    query = Organisation.objects.filter(area=area, name__iexact=name)
    if exclude_pk is not None:
        query = query.exclude(pk=exclude_pk)
    return query.exists()


def organisation_create(
    *, area: Area, name: str, kind: str, notes: str = "", by: User
) -> Organisation:
    with audit_actor(by), transaction.atomic():
        _check_editor(by=by, area=area)
        name = name.strip()
        if _name_taken(area=area, name=name, exclude_pk=None):
            raise DomainError(
                "There is already an organisation with this name. Use a different name, or "
                "add the contact to the existing one.",
                field="name",
            )
        return Organisation.objects.create(area=area, name=name, kind=kind, notes=notes.strip())


def organisation_update(
    *, organisation: Organisation, name: str, kind: str, notes: str, active: bool, by: User
) -> Organisation:
    with audit_actor(by), transaction.atomic():
        locked = (
            Organisation.objects.select_for_update().select_related("area").get(pk=organisation.pk)
        )
        _check_editor(by=by, area=locked.area)
        name = name.strip()
        if _name_taken(area=locked.area, name=name, exclude_pk=locked.pk):
            raise DomainError("There is already an organisation with this name.", field="name")
        locked.name = name
        locked.kind = kind
        locked.notes = notes.strip()
        locked.active = active
        locked.save(update_fields=["name", "kind", "notes", "active"])
        return locked


def _email_taken(*, organisation: Organisation, email: str, exclude_pk: int | None) -> bool:
    query = AgencyContact.objects.filter(organisation=organisation, email__iexact=email)
    if exclude_pk is not None:
        query = query.exclude(pk=exclude_pk)
    return query.exists()


def contact_create(
    *,
    organisation: Organisation,
    name: str,
    job_title: str,
    email: str,
    phone: str,
    by: User,
) -> AgencyContact:
    with audit_actor(by), transaction.atomic():
        _check_editor(by=by, area=organisation.area)
        email = email.strip().lower()
        if _email_taken(organisation=organisation, email=email, exclude_pk=None):
            raise DomainError(
                "This organisation already has a contact with this email address.",
                field="email",
            )
        try:
            with transaction.atomic():
                return AgencyContact.objects.create(
                    organisation=organisation,
                    name=name.strip(),
                    job_title=job_title.strip(),
                    email=email,
                    phone=phone.strip(),
                )
        except IntegrityError:
            raise DomainError(
                "This organisation already has a contact with this email address.",
                field="email",
            ) from None


def contact_update(
    *,
    contact: AgencyContact,
    name: str,
    job_title: str,
    email: str,
    phone: str,
    active: bool,
    by: User,
) -> AgencyContact:
    """Change a contact's details, or make them inactive (they are then offered for no new
    request; requests already sent keep going to the address they went to)."""
    with audit_actor(by), transaction.atomic():
        locked = (
            AgencyContact.objects.select_for_update(of=("self",))
            .select_related("organisation__area")
            .get(pk=contact.pk)
        )
        _check_editor(by=by, area=locked.organisation.area)
        email = email.strip().lower()
        if _email_taken(organisation=locked.organisation, email=email, exclude_pk=locked.pk):
            raise DomainError(
                "This organisation already has a contact with this email address.",
                field="email",
            )
        locked.name = name.strip()
        locked.job_title = job_title.strip()
        locked.email = email
        locked.phone = phone.strip()
        locked.active = active
        locked.save(update_fields=["name", "job_title", "email", "phone", "active"])
        return locked
