from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from cdop.accounts import permissions
from cdop.areas.models import Area


def service(request: HttpRequest) -> dict[str, Any]:
    """The header, navigation and footer every page shares."""
    path = request.path
    public_area: Area | None = getattr(request, "public_area", None)
    staff_area = path.startswith("/staff/")
    nav: list[dict[str, Any]] = []
    if staff_area and request.user.is_authenticated:
        user = request.user
        items: list[tuple[str, str]] = [("Home", reverse("core:home"))]
        if permissions.area_ids_with_roles(user, permissions.CASE_READERS):
            items += [
                ("Notifications", reverse("notifications:queue")),
                ("Cases", reverse("cases:list")),
            ]
        items.append(("Statistics", reverse("reporting:statistics")))
        if permissions.can_read_audit_log(user):
            items += [
                ("Public pages", reverse("areas_staff:staff_pages")),
                ("Audit log", reverse("audit:list")),
            ]
        nav = [
            {"text": text, "href": href, "active": _active(path, href, home=text == "Home")}
            for text, href in items
        ]
    elif public_area is not None:
        slug = public_area.slug
        items = [
            ("About", reverse("areas:page", args=[slug, "about"])),
            ("For families", reverse("areas:page", args=[slug, "families"])),
            ("For professionals", reverse("areas:page", args=[slug, "professionals"])),
            ("Notify a death", reverse("notify:form", args=[slug])),
            ("Contact", reverse("areas:page", args=[slug, "contact"])),
        ]
        nav = [{"text": t, "href": h, "active": path == h} for t, h in items]
    footer_area = public_area or _default_area(request)
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_items": nav,
        "staff_area": staff_area,
        "public_area": public_area,
        "footer_area": footer_area,
    }


def _active(path: str, href: str, *, home: bool) -> bool:
    return path == href if home else path.startswith(href)


def _default_area(request: HttpRequest) -> Area | None:
    from cdop.areas.selectors import area_default

    if not hasattr(request, "_cdop_default_area"):
        request._cdop_default_area = area_default()  # type: ignore[attr-defined]
    found: Area | None = request._cdop_default_area  # type: ignore[attr-defined]
    return found
