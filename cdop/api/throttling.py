"""Rate limits on the API: per registered client, and per address for wrong tokens.

Both count in the default cache, which is the database, so that the limits hold across
processes. Rates are read from REST_FRAMEWORK each time (not when this module is imported),
so a deployment or a test can change them.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cdop.notifications.models import ApiClient


class _SettingsRateThrottle(SimpleRateThrottle):  # type: ignore[misc]
    def get_rate(self) -> str | None:
        rate: str | None = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return rate


class ApiClientThrottle(_SettingsRateThrottle):
    """Each client may make so many requests a minute (API_RATE_LIMIT)."""

    scope = "api_client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None  # the request is refused before it is counted
        return f"throttle_{self.scope}_{client.pk}"


class FailedAuthenticationThrottle(_SettingsRateThrottle):
    """Counts wrong and revoked tokens from one address (API_AUTH_FAILURE_RATE_LIMIT); once
    over the limit, the address is refused for a while whatever token it sends, so that
    tokens cannot be guessed."""

    scope = "api_auth_failure"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return f"throttle_{self.scope}_{self.get_ident(request)}"

    def is_blocked(self, request: Request) -> bool:
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return bool(len(self.history) >= self.num_requests)

    def record_failure(self, request: Request) -> None:
        if self.rate is None:
            return
        if not hasattr(self, "history"):
            self.is_blocked(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


# The staff API's rate when REST_FRAMEWORK names none (API_STAFF_RATE_LIMIT).
STAFF_DEFAULT_RATE = "120/minute"


class StaffUserThrottle(_SettingsRateThrottle):
    """Each person may make so many staff API requests a minute, by token and session alike."""

    scope = "api_staff"

    def get_rate(self) -> str | None:
        return super().get_rate() or STAFF_DEFAULT_RATE

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = request.user
        if not (user and user.is_authenticated):
            return None  # refused before it is counted
        return f"throttle_{self.scope}_{user.pk}"
