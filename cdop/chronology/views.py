from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.chronology.forms import NEWEST_FIRST, OLDEST_FIRST, ChronologyFilterForm
from cdop.chronology.pdf import chronology_pdf
from cdop.chronology.presenters import entries_html, kind_checkboxes_html
from cdop.chronology.registry import Entry, Kind, chronology_kinds
from cdop.chronology.selectors import chronology_entries, chronology_latest
from cdop.chronology.services import chronology_export_record

# The filter's fields after its checkboxes.
FILTER_FIELDS = ("date_from", "date_to", "order")

# The steps' own kinds follow these, in the order the apps registered them.
FIRST_KINDS = ("notification", "status", "transfer")


def _kinds_in_order() -> list[Kind]:
    kinds = chronology_kinds()
    first = [k for key in FIRST_KINDS for k in kinds if k.key == key]
    return first + [k for k in kinds if k.key not in FIRST_KINDS]


def _filter_fields(form: ChronologyFilterForm) -> SafeString:
    """The filter's date and order fields: as the user filled them in, or, for a filter not
    yet used, the same blank fields for every case, rendered once (each GOV.UK date field
    took 1 to 2 ms to render through its templates)."""
    if form.is_bound:
        return _fields_html(form)
    return _blank_filter_fields()


@functools.cache
def _blank_filter_fields() -> SafeString:
    return _fields_html(ChronologyFilterForm(None, initial={"order": NEWEST_FIRST}))


def _fields_html(form: ChronologyFilterForm) -> SafeString:
    return mark_safe("\n".join(form[name].as_field_group() for name in FILTER_FIELDS))  # noqa: S308 - Django's own rendering


def _with_labels(entries: list[Entry]) -> list[tuple[Entry, str]]:
    labels = {k.key: k.label for k in chronology_kinds()}
    return [(e, labels.get(e.kind, e.kind)) for e in entries]


def _filters_text(filters: dict[str, Any]) -> list[str]:
    """The filters in words, for the PDF: a reader must know if entries were left out."""
    labels = {k.key: k.label for k in chronology_kinds()}
    shown = []
    if filters["kinds"]:
        shown.append("Only: " + ", ".join(labels.get(k, k) for k in filters["kinds"]))
    if filters["date_from"]:
        shown.append(f"From {filters['date_from']:%-d %B %Y}")
    if filters["date_to"]:
        shown.append(f"To {filters['date_to']:%-d %B %Y}")
    shown.append("Oldest first" if filters["order"] == OLDEST_FIRST else "Newest first")
    return shown


@login_required
def chronology_page(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if request.method not in ("GET", "HEAD"):  # only after the case check: a 405 must not tell
        return HttpResponseNotAllowed(["GET"])  # someone a case exists that they may not see
    form = ChronologyFilterForm(request.GET or None, initial={"order": NEWEST_FIRST})
    invalid = form.is_bound and not form.is_valid()
    filters = form.filters()  # none at all if the form has errors
    entries = [] if invalid else chronology_entries(user=request.user, case=case, **filters)  # type: ignore[arg-type]
    audit_read(obj=case)
    rows = _with_labels(entries)
    return render(
        request,
        "chronology/page.html",
        {
            "case": case,
            "form": form,
            "rows": rows,
            "entries_html": entries_html(rows),
            "kind_checkboxes": kind_checkboxes_html(_kinds_in_order(), filters["kinds"]),
            "filter_fields": _filter_fields(form),
            "oldest_first": filters["order"] == OLDEST_FIRST,
            "query": request.GET.urlencode(),
        },
        status=400 if invalid else 200,
    )


@login_required
def chronology_pdf_download(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)  # type: ignore[arg-type]
    if request.method not in ("GET", "HEAD"):  # only after the case check: a 405 must not tell
        return HttpResponseNotAllowed(["GET"])  # someone a case exists that they may not see
    form = ChronologyFilterForm(request.GET)
    if not form.is_valid():
        # The page shows the same form with its errors; nothing is exported.
        return chronology_page(request, reference)
    filters = form.filters()
    entries = chronology_entries(user=request.user, case=case, **filters)  # type: ignore[arg-type]
    pdf = chronology_pdf(
        case=case,
        rows=_with_labels(entries),
        filters_text=_filters_text(filters),
        prepared_by=str(request.user),
    )
    chronology_export_record(case=case, by=request.user, filters=filters)  # type: ignore[arg-type]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chronology-{case.reference}.pdf"'
    return response


def chronology_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The latest entries on the case page, with a link to the whole chronology."""
    rows = _with_labels(chronology_latest(user=request.user, case=case))  # type: ignore[arg-type]
    return {"rows": rows, "entries_html": entries_html(rows)}
