from __future__ import annotations

import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.reauthentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
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
        straight after signing in. For someone setting up their first authenticator minutes
        after typing their password, that second prompt only gets in the way; every later
        change (replacing the app, new recovery codes) still asks."""
        request = self.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
            and not is_mfa_enabled(request.user)
            and _signed_in_with_password_within(request, FIRST_SETUP_WINDOW_SECONDS)
        ):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def _signed_in_with_password_within(request: HttpRequest, seconds: int) -> bool:
    records = get_authentication_records(request, request.user)
    now = time.time()
    return any(
        record.get("method") == "password" and now - float(record.get("at", 0)) <= seconds
        for record in records
    )
