"""Reading the agency directory. Anyone who may not read an area's directory gets a 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.agencies.models import AgencyContact, Organisation
from cdop.areas.models import Area


def directory_areas_for_user(*, user: User) -> list[Area]:
    """The areas whose directory the user reads (administrators and those who run cases)."""
    area_ids = permissions.area_ids_with_roles(user, permissions.CASE_MANAGERS)
    return list(Area.objects.filter(pk__in=area_ids).order_by("name"))


def organisations_list(
    *, area: Area, kind: str = "", search: str = "", include_inactive: bool = True
) -> QuerySet[Organisation]:
    query = Organisation.objects.filter(area=area).annotate(
        active_contacts=Count("contacts", filter=Q(contacts__active=True))
    )
    if kind:
        query = query.filter(kind=kind)
    if search:
        query = query.filter(
            Q(name__icontains=search)
            | Q(contacts__name__icontains=search)
            | Q(contacts__email__icontains=search)
        ).distinct()
    if not include_inactive:
        query = query.filter(active=True)
    return query.order_by("-active", "name")


def organisation_get_for_user(*, user: User, pk: int) -> Organisation:
    organisation = Organisation.objects.select_related("area").filter(pk=pk).first()
    if organisation is None or not permissions.can_read_agency_directory(user, organisation.area):
        raise Http404
    return organisation


def contact_get_for_user(*, user: User, pk: int) -> AgencyContact:
    contact = AgencyContact.objects.select_related("organisation__area").filter(pk=pk).first()
    if contact is None or not permissions.can_read_agency_directory(
        user, contact.organisation.area
    ):
        raise Http404
    return contact


def contacts_available(*, area: Area) -> list[AgencyContact]:
    """The active contacts of the area's active organisations, for a request."""
    return list(
        AgencyContact.objects.filter(
            organisation__area=area, organisation__active=True, active=True
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
