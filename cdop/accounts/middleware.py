from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

_LAST_SEEN = "cdop_last_seen"


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_MINUTES without a request.

    The session's last-seen time is written at most once a minute, so that reading a page
    does not write the session row on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            if last_seen is not None and now - int(last_seen) > idle_limit:
                logout(request)
                if request.path.startswith("/api/"):
                    # A script on a signed-in session gets an answer it can read, not a page.
                    return JsonResponse(
                        {
                            "detail": "Your session ended because it was not used for "
                            f"{settings.SESSION_IDLE_MINUTES} minutes. Sign in again, or use "
                            "a personal access token."
                        },
                        status=401,
                    )
                messages.info(
                    request,
                    "You were signed out because you had not used the service for "
                    f"{settings.SESSION_IDLE_MINUTES} minutes. Sign in again to continue.",
                )
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if last_seen is None or now - int(last_seen) >= 60:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


# Paths a signed-in user without a second factor may still reach: setting one up, signing
# out, and the public site. Everything else (all case data) needs the second factor.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/")


class RequireMFAMiddleware:
    """Staff must set up a second factor before they reach anything behind sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        needs_mfa = path.startswith(("/staff/", "/admin/"))
        if (
            needs_mfa
            and request.user.is_authenticated
            and not path.startswith(_MFA_EXEMPT_PREFIXES)
            and not _has_mfa(request)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={path}")
        return self.get_response(request)


def _has_mfa(request: HttpRequest) -> bool:
    cached = getattr(request, "_cdop_has_mfa", None)
    if cached is None:
        cached = is_mfa_enabled(request.user)
        request._cdop_has_mfa = cached  # type: ignore[attr-defined]
    return bool(cached)


_ROLES_KEY = "cdop_roles"


class RolesCacheMiddleware:
    """Keeps the user's roles in their session, so that staff pages do not read the
    memberships table on every request.

    The cache is stamped with the user's roles_version, which every membership change
    bumps; a stale cache is dropped on the next request, so a removed role stops working
    at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            cached = request.session.get(_ROLES_KEY)
            if cached and cached.get("v") == user.roles_version:
                user._roles_by_area = {
                    int(area_id): frozenset(roles) for area_id, roles in cached["roles"].items()
                }
        response = self.get_response(request)
        user = request.user  # sign-in and sign-out replace it
        if user.is_authenticated and getattr(user, "_roles_from_db", False):
            roles = user._roles_by_area
            request.session[_ROLES_KEY] = {
                "v": user.roles_version,
                "roles": {str(area_id): sorted(held) for area_id, held in roles.items()},
            }
        return response
