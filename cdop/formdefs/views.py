from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cdop.accounts import permissions
from cdop.audit.services import audit_read
from cdop.core.errors import DomainError
from cdop.formdefs import selectors, services
from cdop.formdefs.engine import NOT_KNOWN_LABEL, choices_of, questions
from cdop.formdefs.forms import PublishForm
from cdop.formdefs.models import FormDefinition

TYPE_LABELS = {
    "text": "Short text",
    "textarea": "Long text",
    "number": "Number",
    "date": "Date",
    "choice": "One of a list",
    "multi": "Any of a list",
    "yesno": "Yes or no",
}


def _readable(request: HttpRequest) -> None:
    if not permissions.can_view_form_definitions(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "HEAD"])
def formdef_index(request: HttpRequest) -> HttpResponse:
    _readable(request)
    groups: dict[str, list[FormDefinition]] = {}
    for definition in selectors.formdef_list():
        groups.setdefault(definition.code, []).append(definition)
    forms = sorted(
        groups.values(), key=lambda versions: (versions[0].kind != "core", versions[0].title)
    )
    return render(
        request,
        "formdefs/index.html",
        {
            "forms": forms,
            "can_publish": permissions.can_publish_form_definitions(request.user),
        },
    )


def _suggest_text(rules: dict[str, Any]) -> list[str]:
    """The suggestion rules in words, one line per alternative."""
    if not rules:
        return []
    if "any" in rules:
        return [line for alternative in rules["any"] for line in _suggest_text(alternative)]
    parts = []
    if "min_age_days" in rules:
        parts.append(f"aged {rules['min_age_days']} days or more")
    if "max_age_days" in rules:
        parts.append(f"aged {rules['max_age_days']} days or less")
    if "expectedness" in rules:
        parts.append("death " + " or ".join(rules["expectedness"]))
    if "place_of_death" in rules:
        parts.append("died at " + " or ".join(p.replace("_", " ") for p in rules["place_of_death"]))
    if "keywords" in rules:
        parts.append("circumstances mention " + ", ".join(rules["keywords"]))
    return ["; ".join(parts)]


@login_required
@require_http_methods(["GET", "HEAD"])
def formdef_detail(request: HttpRequest, code: str, version: int) -> HttpResponse:
    _readable(request)
    definition = selectors.formdef_get(code=code, version=version)
    audit_read(obj=definition)
    labels = {q["id"]: q["label"] for q in questions(definition)}
    sections = []
    for section in definition.schema["sections"]:
        rows = []
        for question in section["questions"]:
            condition = question.get("show_if")
            rows.append(
                {
                    "question": question,
                    "type": TYPE_LABELS.get(question["type"], question["type"]),
                    "choices": [c["label"] for c in choices_of(question)]
                    + ([NOT_KNOWN_LABEL] if question.get("not_known") else []),
                    "condition": (
                        f"Only if ‘{labels.get(condition['question'], condition['question'])}’ "
                        f"is {' or '.join(condition['in'])}"
                        if condition
                        else ""
                    ),
                }
            )
        sections.append({"section": section, "rows": rows})
    versions = list(selectors.formdef_list().filter(code=code))
    return render(
        request,
        "formdefs/detail.html",
        {
            "definition": definition,
            "sections": sections,
            "versions": versions,
            "suggest": _suggest_text(definition.suggest_when or {}),
            "can_retire": (
                permissions.can_publish_form_definitions(request.user)
                and definition.kind == FormDefinition.Kind.SUPPLEMENTARY
                and definition.retired_at is None
                and versions[0].pk == definition.pk
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def formdef_json(request: HttpRequest, code: str, version: int) -> HttpResponse:
    """One version in the shape `publish` and the definition files take: the starting point
    for the next version."""
    _readable(request)
    definition = selectors.formdef_get(code=code, version=version)
    audit_read(obj=definition)
    data = {
        "code": definition.code,
        "kind": definition.kind,
        "title": definition.title,
        "description": definition.description,
        "status_confirmed": definition.status_confirmed,
        "suggest_when": definition.suggest_when,
        "schema": definition.schema,
    }
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-v{version}.json"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def formdef_publish(request: HttpRequest) -> HttpResponse:
    if not permissions.can_publish_form_definitions(request.user):
        raise Http404
    form = PublishForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.formdef_publish(
                data=form.cleaned_data["definition"],
                by=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            for problem in error.message.split("; "):
                form.add_error("definition", problem)
        else:
            messages.success(
                request, f"Published {definition.title}, version {definition.version}."
            )
            return redirect("formdefs:detail", code=definition.code, version=definition.version)
    status = 400 if form.errors else 200
    return render(request, "formdefs/publish.html", {"form": form}, status=status)


@login_required
@require_http_methods(["POST"])
def formdef_retire(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.can_publish_form_definitions(request.user):
        raise Http404
    try:
        definition = services.formdef_retire(code=code, by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("formdefs:index")
    messages.success(request, f"{definition.title} is no longer offered for new requests.")
    return redirect("formdefs:detail", code=definition.code, version=definition.version)
