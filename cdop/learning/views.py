"""Learning themes' pages: the themes and their anonymised learning (/staff/learning/), a
case's themes (/staff/cases/<reference>/learning/), the approvers' pages for the public page,
and the area's public learning page (/<area>/learning/)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.areas.rendering import render_page_markdown
from cdop.areas.selectors import area_get_public
from cdop.audit.services import audit_read
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.learning import selectors, services
from cdop.learning.forms import (
    CaseThemesForm,
    PublicSwitchForm,
    PublicTextForm,
    ThemeEditForm,
    ThemeForm,
)
from cdop.learning.presenters import theme_rows_html


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _apply_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- Themes and their learning ----------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    area_ids = selectors.learning_area_ids(user)
    if not area_ids:
        raise Http404
    areas = [
        {
            "area": area,
            "rows_html": theme_rows_html(selectors.theme_counts(area=area), area_slug=area.slug),
            "can_manage": permissions.can_manage_learning_themes(user, area.pk),
            "can_approve": permissions.can_approve_public_learning(user, area.pk),
            "public_on": selectors.public_learning_enabled(area=area),
        }
        for area in Area.objects.filter(pk__in=area_ids).order_by("name")
    ]
    return render(request, "learning/index.html", {"areas": areas})


@login_required
def theme_detail(request: HttpRequest, area_slug: str, theme_slug: str) -> HttpResponse:
    user = _user(request)
    area = selectors.area_get_for_learning(user=user, slug=area_slug)
    theme = selectors.theme_get(area=area, slug=theme_slug)
    page = Paginator(selectors.theme_tags(area=area, theme=theme), selectors.THEME_PAGE_SIZE)
    current = page.get_page(request.GET.get("page"))
    tags = list(current.object_list)
    learning = selectors.theme_learning(tags=tags, first_number=current.start_index() or 1)
    services.theme_page_audit(user=user, area=area, theme=theme, case_ids=[t.case_id for t in tags])
    return render(
        request,
        "learning/theme.html",
        {
            "area": area,
            "theme": theme,
            "page": current,
            "learning": learning,
            "can_manage": theme.area_id == area.pk
            and permissions.can_manage_learning_themes(user, area.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_add(request: HttpRequest, area_slug: str) -> HttpResponse:
    user = _user(request)
    area = selectors.area_get_for_learning(user=user, slug=area_slug)
    if not permissions.can_manage_learning_themes(user, area.pk):
        raise Http404
    form = ThemeForm(_data(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                theme = services.theme_create(
                    area=area,
                    by=user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"Theme “{theme.name}” added.")
                return redirect("learning:index")
        status = 400
    return render(
        request,
        "learning/theme_form.html",
        {"form": form, "area": area, "title": "Add a learning theme"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, area_slug: str, theme_slug: str) -> HttpResponse:
    user = _user(request)
    area = selectors.area_get_for_learning(user=user, slug=area_slug)
    if not permissions.can_manage_learning_themes(user, area.pk):
        raise Http404
    theme = selectors.area_theme_get(area=area, slug=theme_slug)
    form = ThemeEditForm(
        _data(request),
        initial={"name": theme.name, "description": theme.description, "active": theme.active},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.theme_update(
                    theme=theme,
                    by=user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    active=form.cleaned_data["active"],
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"Theme “{theme.name}” changed.")
                return redirect("learning:theme", area_slug=area.slug, theme_slug=theme.slug)
        status = 400
    return render(
        request,
        "learning/theme_form.html",
        {"form": form, "area": area, "title": f"Change the theme “{theme.name}”"},
        status=status,
    )


# --- A case's themes ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_themes(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_get_for_user(user=user, reference=reference)
    can_tag = permissions.can_tag_learning(user, case)
    if request.method == "POST" and not can_tag:
        raise Http404
    tags = selectors.case_tags(case=case)
    themes = list(selectors.themes_for_area(area_id=case.area_id))
    tagged_ids = {t.theme_id for t in tags}
    # Offered: every active theme, and any inactive one the case already has (to untag it).
    offered = themes + [t.theme for t in tags if t.theme not in themes]
    suggestions = {
        s.theme.pk: s.reason for s in selectors.case_suggestions(case=case, themes=themes)
    }
    form = CaseThemesForm(
        _data(request),
        choices=[(t.pk, t.name) for t in offered],
        initial={"themes": sorted(tagged_ids)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                change = services.case_themes_set(
                    case=case,
                    by=user,
                    theme_ids=form.cleaned_data["themes"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                if change.added or change.removed:
                    messages.success(request, _change_message(change))
                else:
                    messages.info(request, "No change: the case has the same themes.")
                return redirect("learning_case:themes", reference=case.reference)
        status = 400
    else:
        audit_read(obj=case)
    chosen = (
        {int(v) for v in request.POST.getlist("themes") if v.isdigit()}
        if request.method == "POST"
        else tagged_ids
    )
    return render(
        request,
        "learning/case.html",
        {
            "case": case,
            "tags": tags,
            "form": form,
            "rows": [
                {
                    "theme": t,
                    "checked": t.pk in chosen,
                    "suggestion": suggestions.get(t.pk, ""),
                }
                for t in offered
            ],
            "suggested": [t for t in offered if t.pk in suggestions and t.pk not in tagged_ids],
            "can_tag": can_tag,
            "not_taggable": selectors.case_not_taggable_reason(case=case),
        },
        status=status,
    )


def _change_message(change: services.TagChange) -> str:
    parts = []
    if change.added:
        parts.append("Tagged with " + ", ".join(t.name for t in change.added))
    if change.removed:
        parts.append("No longer tagged with " + ", ".join(t.name for t in change.removed))
    return "; ".join(parts) + "."


# --- The public learning page: the approvers' side ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def public_admin(request: HttpRequest, area_slug: str) -> HttpResponse:
    user = _user(request)
    area = selectors.area_get_for_approver(user=user, slug=area_slug)
    enabled = selectors.public_learning_enabled(area=area)
    form = PublicSwitchForm(_data(request), initial={"enabled": "on" if enabled else "off"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.public_learning_switch(
                    area=area, by=user, enabled=form.cleaned_data["enabled"]
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    "The public learning page is on."
                    if form.cleaned_data["enabled"]
                    else "The public learning page is off.",
                )
                return redirect("learning:public_admin", area_slug=area.slug)
        status = 400
    texts = selectors.public_texts_for_area(area=area)
    public = selectors.public_learning_page(area=area)
    shown = {t.slug: t.count for t in public.themes}
    rows = [
        {"count": count, "text": texts.get(count.theme.pk), "public": shown.get(count.theme.slug)}
        for count in selectors.theme_counts(area=area)
    ]
    return render(
        request,
        "learning/public_admin.html",
        {
            "area": area,
            "form": form,
            "enabled": enabled,
            "rows": rows,
            "until": public.until - datetime.timedelta(days=1),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def public_text_edit(request: HttpRequest, area_slug: str, theme_slug: str) -> HttpResponse:
    user = _user(request)
    area = selectors.area_get_for_approver(user=user, slug=area_slug)
    theme = selectors.theme_get(area=area, slug=theme_slug)
    row = selectors.public_text_get(area=area, theme=theme)
    form = PublicTextForm(_data(request), initial={"text": row.draft if row and row.draft else ""})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in {"save", "approve", "unpublish"}:
            form.is_valid()
            form.add_error(None, "Choose to save the draft, approve and publish, or unpublish")
        elif form.is_valid():
            text = form.cleaned_data["text"]
            try:
                if action == "save":
                    services.public_text_save_draft(area=area, theme=theme, by=user, text=text)
                    done = "Draft saved. Nothing on the public page has changed."
                elif action == "approve":
                    services.public_text_approve(area=area, theme=theme, by=user, text=text)
                    done = f"Approved: the public page now shows this text for {theme.name}."
                else:
                    services.public_text_unpublish(area=area, theme=theme, by=user)
                    done = f"The text for {theme.name} is no longer on the public page."
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, done)
                return redirect("learning:public_text", area_slug=area.slug, theme_slug=theme.slug)
        status = 400
    draft = form.data.get("text", "") if form.is_bound else (row.draft if row else "")
    return render(
        request,
        "learning/public_text.html",
        {
            "area": area,
            "theme": theme,
            "row": row,
            "form": form,
            "preview": render_page_markdown(str(draft)),
            "approved_html": render_page_markdown(row.approved_text) if row else "",
            "enabled": selectors.public_learning_enabled(area=area),
        },
        status=status,
    )


# --- The public learning page -------------------------------------------------------------------


def public_page(request: HttpRequest, area_slug: str) -> HttpResponse:
    """Suppressed counts and approved words only; no page unless the area turned it on."""
    area = area_get_public(slug=area_slug)
    if not selectors.public_learning_enabled(area=area):
        raise Http404("No such page")
    request.public_area = area  # type: ignore[attr-defined]
    page = selectors.public_learning_page(area=area)
    return render(
        request,
        "learning/public_page.html",
        {
            "area": area,
            "until": page.until - datetime.timedelta(days=1),
            "themes": [
                {"theme": t, "html": render_page_markdown(t.text) if t.text else ""}
                for t in page.themes
            ],
        },
    )
