from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.reauthentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

# How recent a password sign-in must be to set up a first authenticator without typing the
# password again.
FIRST_SETUP_WINDOW_SECONDS = 300


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Accounts are made by administrators; nobody can sign themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """allauth asks for the password again before any change to second factors, even
        straight after signing in. For someone setting up their first authenticator (and
        saving its recovery codes) minutes after typing their password, that second prompt
        only gets in the way; any change to factors that existed before this sign-in still
        asks."""
        request = self.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            signed_in_at = _password_sign_in_within(request, FIRST_SETUP_WINDOW_SECONDS)
            if signed_in_at is not None and not _factor_older_than(request, signed_in_at):
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def _password_sign_in_within(request: HttpRequest, seconds: int) -> float | None:
    """When the user last signed in with their password, if within the last `seconds`."""
    now = time.time()
    times = [
        float(record.get("at", 0))
        for record in get_authentication_records(request, request.user)
        if record.get("method") == "password"
    ]
    latest = max(times, default=None)
    return latest if latest is not None and now - latest <= seconds else None


def _factor_older_than(request: HttpRequest, timestamp: float) -> bool:
    """Whether the user had a second factor before this moment."""
    cutoff = datetime.fromtimestamp(timestamp, tz=UTC)
    return bool(Authenticator.objects.filter(user=request.user, created_at__lt=cutoff).exists())
