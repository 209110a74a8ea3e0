from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from html import escape
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from cdop.accounts import permissions
from cdop.areas.models import Area
from cdop.core.urls_cache import cached_reverse as reverse_cached


def service(request: HttpRequest) -> dict[str, Any]:
    """The header, navigation and footer every page shares."""
    path = request.path
    public_area: Area | None = getattr(request, "public_area", None)
    staff_area = path.startswith("/staff/")
    nav: list[dict[str, Any]] = []
    if staff_area and request.user.is_authenticated:
        user = request.user
        items: list[tuple[str, str]] = [("Home", reverse_cached("core:home"))]
        if permissions.area_ids_with_roles(user, permissions.CASE_READERS):
            items.append(("My work", reverse_cached("work:mine")))
        if permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS):
            items += [
                ("Notifications", reverse_cached("notifications:queue")),
                ("Cases", reverse_cached("cases:list")),
                ("Check a postcode", reverse_cached("areas_staff:postcode_check")),
            ]
        elif permissions.area_ids_with_roles(user, permissions.CASE_READERS):
            items += [("Cases", reverse_cached("cases:list"))]
        if permissions.is_staff_member(user):
            # Chairs and members see the meetings they are invited to; managers all of them.
            items.append(("Meetings", reverse_cached("meetings:list")))
        if permissions.can_view_outstanding_forms(user):
            items.append(("Reporting Forms", reverse_cached("agencyforms_area:outstanding")))
        if permissions.can_view_action_tracker(user):
            items.append(("Actions", reverse_cached("actions:tracker")))
        if permissions.area_ids_with_roles(user, permissions.NCMD_EXPORTERS):
            items.append(("NCMD", reverse_cached("ncmd:index")))
        if permissions.area_ids_with_roles(user, permissions.CASE_MANAGERS):
            items.append(("Agencies", reverse_cached("agencies:directory")))
        if permissions.can_view_form_definitions(user):
            items.append(("Form definitions", reverse_cached("formdefs:index")))
        items.append(("Statistics", reverse_cached("reporting:statistics")))
        if permissions.area_ids_with_roles(user, permissions.LEARNING_READERS):
            items.append(("Learning", reverse_cached("learning:index")))
        if permissions.area_ids_with_roles(user, permissions.SURVEILLANCE_READERS):
            items.append(("Surveillance", reverse_cached("surveillance:index")))
        if permissions.area_ids_with_roles(user, permissions.DATA_QUALITY_READERS):
            items.append(("Data quality", reverse_cached("dataquality:index")))
        if permissions.can_read_audit_log(user):
            # The area's settings and records, on a page of their own: sixteen items in
            # one row of navigation wrapped onto two on an ordinary screen.
            items.append(("Administration", reverse_cached("core:administration")))
        nav = [
            {"text": text, "href": href, "active": _nav_active(path, text, href)}
            for text, href in items
        ]
    elif public_area is not None:
        slug = public_area.slug
        items = [
            ("About", reverse_cached("areas:page", slug, "about")),
            ("For families", reverse_cached("areas:page", slug, "families")),
            ("For professionals", reverse_cached("areas:page", slug, "professionals")),
            ("Notify a death", reverse_cached("notify:form", slug)),
            ("Contact", reverse_cached("areas:page", slug, "contact")),
        ]
        nav = [{"text": t, "href": h, "active": path == h} for t, h in items]
    footer_area = public_area or _default_area(request)
    links: dict[str, str] = {
        "home": reverse_cached("core:home"),
        "profile": reverse_cached("accounts:profile"),
        "logout": reverse_cached("account_logout"),
    }
    for area, prefix in ((public_area, "public"), (footer_area, "footer")):
        if area is not None:
            for kind in ("about", "contact", "accessibility", "privacy", "cookies"):
                links[f"{prefix}_{kind}"] = reverse_cached("areas:page", area.slug, kind)
    return {
        "links": links,
        "service_name": settings.SERVICE_NAME,
        "nav_items": nav,
        "nav_html": _nav_html(nav),
        "assets": _assets(),
        "staff_area": staff_area,
        "public_area": public_area,
        "footer_area": footer_area,
    }


@dataclass(frozen=True)
class AdminLink:
    text: str
    href: str
    description: str


def administration_links() -> list[AdminLink]:
    """The pages of the Administration page, for the area administrators who read the audit
    log; the navigation marks Administration as the current section on each of them."""
    return [
        AdminLink(
            "Public pages",
            reverse_cached("areas_staff:staff_pages"),
            "What families and professionals read about the panel on its public pages.",
        ),
        AdminLink(
            "Letters to families",
            reverse_cached("family_staff:letter_templates"),
            "The words of the key workers' letters to families, each change kept as a version.",
        ),
        AdminLink(
            "Timescales",
            reverse_cached("clocks:settings"),
            "The time each stage of a review is given: the due dates of every case's clocks.",
        ),
        AdminLink(
            "API clients",
            reverse_cached("api_staff:list"),
            "The hospital and police systems that notify deaths through the API, and their tokens.",
        ),
        AdminLink(
            "Audit log",
            reverse_cached("audit:list"),
            "Who read and changed which record, and when.",
        ),
        AdminLink(
            "Retention",
            reverse_cached("retention:index"),
            "How long closed cases stay identifiable, and searches for subject access requests.",
        ),
    ]


@functools.cache
def _assets() -> dict[str, str]:
    """The stylesheets, scripts and icon every page links, looked up once a process (the
    `static` tag asks the storage on every page)."""
    return {
        "favicon": static("govuk/assets/images/favicon.ico"),
        "govuk_css": static("govuk/govuk-frontend.min.css"),
        "cdop_css": static("css/cdop.css"),
        "govuk_js": static("govuk/govuk-frontend.min.js"),
        "init_js": static("js/init.js"),
    }


def _nav_html(nav: list[dict[str, Any]]) -> SafeString:
    """The service navigation's items, built here rather than in a template loop: every page
    shows them, and the loop cost more than most pages' own content."""
    rows = []
    for item in nav:
        href, text = escape(item["href"]), escape(item["text"])
        if item["active"]:
            rows.append(
                '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
                f'<a class="govuk-service-navigation__link" href="{href}" aria-current="true">'
                f'<strong class="govuk-service-navigation__active-fallback">{text}</strong>'
                "</a></li>"
            )
        else:
            rows.append(
                '<li class="govuk-service-navigation__item">'
                f'<a class="govuk-service-navigation__link" href="{href}">{text}</a></li>'
            )
    return mark_safe("\n".join(rows))  # noqa: S308 - every piece above is escaped


def _active(path: str, href: str, *, home: bool) -> bool:
    return path == href if home else path.startswith(href)


def _nav_active(path: str, text: str, href: str) -> bool:
    """Whether a staff navigation item is the current section: Administration is, on its
    own page and on each page it lists."""
    if text == "Administration":
        return path.startswith(href) or any(
            path.startswith(link.href) for link in administration_links()
        )
    return _active(path, href, home=text == "Home")


_DEFAULT_AREA_TTL_SECONDS = 60.0
_default_area_memo: tuple[float, Area | None] = (0.0, None)


def _default_area(request: HttpRequest) -> Area | None:
    """The area whose footer links staff pages show. Areas change rarely, so each process
    looks it up at most once a minute rather than on every page."""
    global _default_area_memo
    from cdop.areas.selectors import area_default

    fetched_at, area = _default_area_memo
    now = time.monotonic()
    if now - fetched_at > _DEFAULT_AREA_TTL_SECONDS or fetched_at == 0.0:
        area = area_default()
        _default_area_memo = (now, area)
    return area


def default_area_forget() -> None:
    """Look the default area up again on the next page (tests: each starts without the
    area an earlier test's database held)."""
    global _default_area_memo
    _default_area_memo = (0.0, None)
