from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cdop.accounts import permissions
from cdop.audit.forms import AuditSearchForm
from cdop.audit.selectors import AuditFilter, audit_entries_for_user, audit_entry_get_for_user


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read_audit_log(request.user):
        raise Http404
    form = AuditSearchForm(request.GET or None)
    filters = AuditFilter()
    status = 200
    if form.is_bound:
        if form.is_valid():
            filters = AuditFilter(**{k: v for k, v in form.cleaned_data.items() if v})
        else:
            status = 400
    entries = audit_entries_for_user(user=request.user, filters=filters)  # type: ignore[arg-type]
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page},
        status=status,
    )


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_read_audit_log(request.user):
        raise Http404
    entry = audit_entry_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    return render(request, "audit/detail.html", {"entry": entry, "changes": entry.changes_dict})
