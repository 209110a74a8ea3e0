from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    factors = Authenticator.objects.filter(user=request.user).values_list("type", flat=True)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": request.user.memberships.select_related("area"),  # type: ignore[union-attr]
            "has_totp": Authenticator.Type.TOTP in factors,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in factors,
        },
    )
