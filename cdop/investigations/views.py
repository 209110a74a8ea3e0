from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.audit.services import audit_read
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.investigations import selectors, services
from cdop.investigations.forms import EventForm
from cdop.investigations.kinds import KINDS, EventKind
from cdop.investigations.models import CaseEvent
from cdop.investigations.presenters import event_rows


def _user(request: HttpRequest) -> User:
    """The signed-in user (login_required has turned everyone else away)."""
    return cast(User, request.user)


def _kind(slug: str) -> EventKind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


@login_required
def event_list(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=_user(request), reference=reference)
    events = selectors.events_for_case(case=case)
    for found in events.values():
        for event in found:
            audit_read(obj=event)
    return render(
        request,
        "investigations/list.html",
        {
            "case": case,
            "groups": [
                (KINDS[slug], [(event, event_rows(event)) for event in found])
                for slug, found in events.items()
            ],
            "blockers": selectors.investigation_blockers([case.pk]).get(case.pk, []),
            "can_work": permissions.can_work_on_case(request.user, case),
        },
    )


def _save(request: HttpRequest, *, reference: str, slug: str, pk: int | None) -> HttpResponse:
    kind = _kind(slug)
    case = selectors.case_get_for_event_work(user=_user(request), reference=reference)
    event: CaseEvent | None = None
    if pk is not None:
        event = selectors.event_get(case=case, kind=kind, pk=pk)
        audit_read(obj=event)
    status = 200
    form: EventForm
    if request.method == "POST":
        form = kind.form(request.POST, case=case)
        if form.is_valid():
            try:
                if event is None:
                    services.event_record(
                        kind=kind,
                        case=case,
                        by=_user(request),
                        values=form.cleaned_data,
                    )
                else:
                    services.event_update(event=event, by=_user(request), values=form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, f"{kind.title} {'recorded' if event is None else 'updated'}."
                )
                return redirect(reverse("investigations:list", kwargs={"reference": reference}))
        status = 400
    else:
        initial = kind.form.initial_from(event) if event is not None else None
        form = kind.form(initial=initial, case=case)
    return render(
        request,
        "investigations/form.html",
        {"case": case, "kind": kind, "event": event, "form": form},
        status=status,
    )


@login_required
def event_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    return _save(request, reference=reference, slug=kind, pk=None)


@login_required
def event_edit(request: HttpRequest, reference: str, kind: str, pk: int) -> HttpResponse:
    return _save(request, reference=reference, slug=kind, pk=pk)
