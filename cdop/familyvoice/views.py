"""Staff pages for the family's own words, under a case.

Every page starts from case_get_for_user, so anyone who may not read the case gets the same
404 as for a case that does not exist. Anyone who reads the case reads the words the family
has sent; sending and withdrawing the link need can_work_on_case (managers and the case's
own key worker), and answer 404 otherwise.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.familyvoice import selectors, services
from cdop.familyvoice.forms import SendForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


def _case(request: HttpRequest, reference: str, *, work: bool = False) -> Case:
    case = case_get_for_user(user=_user(request), reference=reference)
    if work and not permissions.can_work_on_case(request.user, case):
        raise Http404
    return case


def _overview_url(case: Case) -> str:
    return reverse("familyvoice:overview", kwargs={"reference": case.reference})


@login_required
def overview(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    requests = selectors.family_voice_requests_for(case=case)
    for view in requests:
        audit_read(obj=view.request)
    if not requests:
        audit_read(obj=case)
    return render(
        request,
        "familyvoice/overview.html",
        {
            "case": case,
            "requests": requests,
            "open_request": next((v for v in requests if v.request.submitted_at is None), None),
            "can_work": permissions.can_work_on_case(request.user, case),
        },
    )


@login_required
def send(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, work=True)
    current = selectors.family_voice_requests_for(case=case)
    open_view = next((v for v in current if v.request.submitted_at is None), None)
    initial: dict[str, object] = {}
    if open_view is not None:
        audit_read(obj=open_view.request)  # the form shows the family's email again
        initial["agreement_recorded"] = open_view.request.agreement_recorded
        if open_view.links:
            initial["email"] = open_view.links[0].link.email
            initial["otp_required"] = open_view.links[0].link.otp_required
    form = SendForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.family_voice_send(
                    case=case,
                    by=_user(request),
                    email=form.cleaned_data["email"],
                    agreement_recorded=form.cleaned_data["agreement_recorded"],
                    otp_required=form.cleaned_data["otp_required"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    "The link is on its way to the family"
                    + (". The link sent before no longer works." if open_view else "."),
                )
                return redirect(_overview_url(case))
        status = 400
    return render(
        request,
        "familyvoice/send.html",
        {"case": case, "form": form, "resend": open_view is not None},
        status=status,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference, work=True)
    found = selectors.family_voice_request_get(case=case, pk=pk)
    if found is None:
        raise Http404
    count = services.family_voice_revoke(request=found, by=_user(request))
    if count:
        messages.success(request, "The family's link no longer works. What they wrote is kept.")
    else:
        messages.info(request, "There was no working link to withdraw.")
    return redirect(_overview_url(case))
