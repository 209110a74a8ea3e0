from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from cdop.accounts import permissions
from cdop.accounts.models import Role
from cdop.areas.models import Area, AreaPage, PageKind


def area_list_active() -> QuerySet[Area]:
    return Area.objects.filter(is_active=True).order_by("name")


def area_get_public(*, slug: str) -> Area:
    try:
        return Area.objects.get(slug=slug, is_active=True)
    except Area.DoesNotExist:
        raise Http404("No such area") from None


def area_get_allowed(*, slug: str, allowed: Callable[[int], bool]) -> Area:
    """The area with this slug when `allowed(area id)`; otherwise a 404, the same as for an
    area that does not exist (a slug tells an outsider nothing)."""
    area = Area.objects.filter(slug=slug[:50]).first()
    if area is None or not allowed(area.pk):
        raise Http404("No such area")
    return area


def areas_with_roles(*, user: Any, roles: frozenset[Role]) -> list[Area]:
    """The areas, by name, in which the user holds any of these roles."""
    ids = permissions.area_ids_with_roles(user, roles)
    return list(Area.objects.filter(pk__in=ids).order_by("name"))


def area_default() -> Area | None:
    """The area the public site opens on: DEFAULT_AREA, or the only active area."""
    slug = getattr(settings, "DEFAULT_AREA", "")
    if slug:
        found = Area.objects.filter(slug=slug, is_active=True).first()
        if found is not None:
            return found
    areas = list(area_list_active()[:2])
    return areas[0] if len(areas) == 1 else None


def area_page_get(*, area: Area, kind: str) -> AreaPage:
    if kind not in PageKind.values:
        raise Http404("No such page")
    page = AreaPage.objects.filter(area=area, kind=kind).first()
    if page is None:
        # An area that has not written this page yet still shows its heading.
        return AreaPage(area=area, kind=kind, title=PageKind(kind).label, body="")
    return page
