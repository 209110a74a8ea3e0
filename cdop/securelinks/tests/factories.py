"""Requests a link can open, made directly (the secure-link tests need only the rows)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cdop.accounts.models import User
from cdop.agencies.models import AgencyContact, Organisation
from cdop.agencyforms.models import FormRequest
from cdop.cases.models import Case
from cdop.familyvoice.models import FamilyVoiceRequest


def family_voice_request_make(*, case: Case, by: User) -> FamilyVoiceRequest:
    return FamilyVoiceRequest.objects.create(
        case=case,
        sent_by=by,
        sent_at=timezone.now(),
        agreement_recorded="Agreed by phone with the family.",
    )


def form_request_make(*, case: Case, by: User, email: str = "gp@practice.invalid") -> FormRequest:
    organisation, _ = Organisation.objects.get_or_create(
        area=case.area, name="Synthetic Surgery", defaults={"kind": "gp_practice"}
    )
    contact, _ = AgencyContact.objects.get_or_create(
        organisation=organisation, email=email, defaults={"name": "Gita Practitioner"}
    )
    return FormRequest.objects.create(
        case=case,
        contact=contact,
        organisation=organisation,
        requested_at=timezone.now(),
        requested_by=by,
        due_on=timezone.localdate() + datetime.timedelta(days=28),
    )


def family_link_make(
    *, case: Case, by: User, otp_required: bool = False, email: str = "family@example.invalid"
) -> tuple[str, FamilyVoiceRequest]:
    """A family's link and its request; returns the raw token (as the email carries it)."""
    from cdop.securelinks import services

    request = family_voice_request_make(case=case, by=by)
    token = services.securelink_issue(
        purpose="family_voice",
        email=email,
        area=case.area,
        created_by=by,
        expires_at=services.securelink_expiry(purpose="family_voice"),
        family_voice_request=request,
        otp_required=otp_required,
    )
    return token, request


def agency_link_make(*, case: Case, by: User) -> tuple[str, FormRequest]:
    from cdop.securelinks import services

    form_request = form_request_make(case=case, by=by)
    token = services.securelink_issue(
        purpose="agency_form",
        email=form_request.contact.email,
        area=case.area,
        created_by=by,
        expires_at=services.securelink_expiry(purpose="agency_form"),
        form_request=form_request,
    )
    return token, form_request
