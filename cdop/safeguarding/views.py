from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cdop.accounts.models import User
from cdop.audit.services import audit_read
from cdop.core.errors import DomainError
from cdop.safeguarding import selectors, services
from cdop.safeguarding.forms import ConcernForm, ProfileForm, ReferralForm, initial_from
from cdop.safeguarding.models import SafeguardingProfile


def _user(request: HttpRequest) -> User:
    """The signed-in user (login_required has turned everyone else away)."""
    return cast(User, request.user)


@login_required
def safeguarding_overview(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_get_for_safeguarding(user=_user(request), reference=reference)
    found = selectors.safeguarding_for_case(case=case)
    if found.profile is not None:
        audit_read(obj=found.profile)
    for view in found.concerns:
        audit_read(obj=view.concern)
        for referral in view.referrals:
            audit_read(obj=referral)
    return render(request, "safeguarding/overview.html", {"case": case, "found": found})


def _form_page(
    request: HttpRequest,
    *,
    case: Any,
    form: forms.Form,
    save: Callable[[dict[str, Any]], object],
    done: str,
    title: str,
) -> HttpResponse:
    """Validate, save through the service, and go back to the overview; or show the form
    again with what was typed and a 400."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, done)
                return redirect(
                    reverse("safeguarding:overview", kwargs={"reference": case.reference})
                )
        status = 400
    return render(
        request,
        "safeguarding/form.html",
        {"case": case, "form": form, "title": title},
        status=status,
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
def profile_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_get_for_safeguarding(user=_user(request), reference=reference)
    profile = SafeguardingProfile.objects.filter(case=case).first()
    if profile is not None:
        audit_read(obj=profile)
    initial = initial_from(ProfileForm, profile) if profile is not None else None
    form = ProfileForm(_data(request), initial=initial, case=case)
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda values: services.profile_update(case=case, by=_user(request), values=values),
        done="Looked-after status saved.",
        title="Looked-after child",
    )


@login_required
def concern_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_get_for_safeguarding(user=_user(request), reference=reference)
    form = ConcernForm(_data(request), case=case)
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda values: services.concern_record(case=case, by=_user(request), values=values),
        done="Safeguarding concern recorded.",
        title="Record a safeguarding concern",
    )


@login_required
def concern_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = selectors.case_get_for_safeguarding(user=_user(request), reference=reference)
    concern = selectors.concern_get(case=case, pk=pk)
    audit_read(obj=concern)
    form = ConcernForm(_data(request), initial=initial_from(ConcernForm, concern), case=case)
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda values: services.concern_update(
            concern=concern, by=_user(request), values=values
        ),
        done="Safeguarding concern updated.",
        title="Change the safeguarding concern",
    )


@login_required
def referral_add(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = selectors.case_get_for_safeguarding(user=_user(request), reference=reference)
    concern = selectors.concern_get(case=case, pk=pk)
    form = ReferralForm(_data(request), concern=concern)
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda values: services.referral_record(
            concern=concern, by=_user(request), values=values
        ),
        done="Referral recorded.",
        title="Record a referral",
    )


@login_required
def referral_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = selectors.case_get_for_safeguarding(user=_user(request), reference=reference)
    referral = selectors.referral_get(case=case, pk=pk)
    audit_read(obj=referral)
    form = ReferralForm(
        _data(request), initial=initial_from(ReferralForm, referral), concern=referral.concern
    )
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda values: services.referral_update(
            referral=referral, by=_user(request), values=values
        ),
        done="Referral updated.",
        title="Change the referral",
    )
