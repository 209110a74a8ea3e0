"""Who is calling the API: a registered system, by its bearer token. Nothing else.

No sessions and so no CSRF: a browser signed in to the staff pages gets nothing from the API.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from cdop.api.services import TOKEN_PREFIX, api_client_touch, token_hash
from cdop.api.throttling import FailedAuthenticationThrottle
from cdop.notifications.models import ApiClient

MISSING = "Send your API token in an Authorization header, like this: Authorization: Bearer <token>"
NOT_RECOGNISED = (
    "The API token is not recognised. Check that it was copied in full, or ask an "
    "administrator of your child death review team to register your system."
)
REVOKED = (
    "This API token has been revoked. Ask an administrator of your child death review team "
    "to register your system again."
)
# Longer than any token we issue, with room to spare; longer headers are not hashed.
_MAX_TOKEN_LENGTH = 200


class ApiClientAuthentication(BaseAuthentication):  # type: ignore[misc]
    """`Authorization: Bearer cdop_…`. The token is hashed and looked up by its hash, so the
    comparison never runs over the secret itself; only active clients get in."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiClient] | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None  # NotAuthenticated (401) with MISSING, from IsApiClient
        throttle = FailedAuthenticationThrottle()
        if throttle.is_blocked(request):
            raise exceptions.Throttled(wait=throttle.duration)
        client = self._client_for(header)
        if client is None or not client.is_active:
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed(REVOKED if client else NOT_RECOGNISED)
        api_client_touch(client=client)
        # No person is signed in: request.user stays anonymous and request.auth is the client.
        return AnonymousUser(), client

    def _client_for(self, header: str) -> ApiClient | None:
        keyword, _, token = header.partition(" ")
        token = token.strip()
        if keyword.lower() != self.keyword.lower() or not token:
            raise exceptions.AuthenticationFailed(MISSING)
        if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_TOKEN_LENGTH:
            return None
        digest = token_hash(token)
        client = ApiClient.objects.select_related("area").filter(token_hash=digest).first()
        if client is None or not hmac.compare_digest(client.token_hash, digest):
            return None
        return client

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) when the token is missing or wrong.
        return f'{self.keyword} realm="api"'


class IsApiClient(BasePermission):  # type: ignore[misc]
    """Only a registered, active system (ApiClientAuthentication) may call the API."""

    message = MISSING

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiClient)
