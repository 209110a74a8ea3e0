from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from cdop.areas.models import Area, AreaPage, PageKind


def area_list_active() -> QuerySet[Area]:
    return Area.objects.filter(is_active=True).order_by("name")


def area_get_public(*, slug: str) -> Area:
    try:
        return Area.objects.get(slug=slug, is_active=True)
    except Area.DoesNotExist:
        raise Http404("No such area") from None


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
