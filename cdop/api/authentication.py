"""Who is calling the API.

The notifications API (/api/v1/): a registered system, by its bearer token, and nothing else;
no sessions and so no CSRF: a browser signed in to the staff pages gets nothing from it.

The staff API (/api/staff/v1/): a person, by a personal access token or by a signed-in
session whose user has a second factor.
"""

from __future__ import annotations

import hmac
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from cdop.accounts.models import User
from cdop.api.models import PersonalAccessToken
from cdop.api.services import (
    PERSONAL_TOKEN_PREFIX,
    TOKEN_PREFIX,
    api_client_touch,
    personal_token_touch,
    token_hash,
)
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


# --- The staff API: a person, by a personal access token or a signed-in session ---------------

STAFF_MISSING = (
    "Send your personal access token in an Authorization header, like this: "
    "Authorization: Bearer <token>. Make one under ‘Personal access tokens’ at "
    "/staff/api-clients/tokens/, or sign in to the service."
)
STAFF_NOT_RECOGNISED = (
    "The personal access token is not recognised. Check that it was copied in full (it starts "
    "cdop_pat_), or make a new one at /staff/api-clients/tokens/."
)
STAFF_NOT_PERSONAL = (
    "This is a registered system's token: it can only send notifications. The staff API needs "
    "a personal access token (it starts cdop_pat_), made at /staff/api-clients/tokens/."
)
STAFF_REVOKED = (
    "This personal access token has been revoked. Make a new one at /staff/api-clients/tokens/."
)
STAFF_EXPIRED = (
    "This personal access token has expired. Make a new one at /staff/api-clients/tokens/."
)
STAFF_ACCOUNT_INACTIVE = (
    "The account this personal access token belongs to is no longer active, so the token no "
    "longer works."
)
STAFF_NO_MFA = (
    "Your account has no second factor (authenticator app) set up. Set one up at "
    "/accounts/2fa/ before using the staff API."
)


class PersonalTokenAuthentication(BaseAuthentication):  # type: ignore[misc]
    """`Authorization: Bearer cdop_pat_…`: a member of staff's personal access token. The token
    acts as its owner with the roles they hold now; it stops working when it expires, is
    revoked, or its owner is deactivated or has no second factor."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, PersonalAccessToken] | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        token = token.strip()
        if keyword.lower() != self.keyword.lower() or not token:
            raise exceptions.AuthenticationFailed(STAFF_MISSING)
        throttle = FailedAuthenticationThrottle()
        if throttle.is_blocked(request):
            raise exceptions.Throttled(wait=throttle.duration)
        personal = self._token_for(token)
        if personal is None:
            # Only unknown tokens count towards the address's limit: they are how guessing looks.
            throttle.record_failure(request)
            system = token.startswith(TOKEN_PREFIX) and not token.startswith(PERSONAL_TOKEN_PREFIX)
            raise exceptions.AuthenticationFailed(
                STAFF_NOT_PERSONAL if system else STAFF_NOT_RECOGNISED
            )
        user = personal.user
        if personal.is_revoked:
            raise exceptions.AuthenticationFailed(STAFF_REVOKED)
        if personal.is_expired:
            raise exceptions.AuthenticationFailed(STAFF_EXPIRED)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(STAFF_ACCOUNT_INACTIVE)
        if not is_mfa_enabled(user):
            raise exceptions.AuthenticationFailed(STAFF_NO_MFA)
        personal_token_touch(token=personal)
        return user, personal

    def _token_for(self, token: str) -> PersonalAccessToken | None:
        if not token.startswith(PERSONAL_TOKEN_PREFIX) or len(token) > _MAX_TOKEN_LENGTH:
            return None
        digest = token_hash(token)
        personal = (
            PersonalAccessToken.objects.select_related("user").filter(token_hash=digest).first()
        )
        if personal is None or not hmac.compare_digest(personal.token_hash, digest):
            return None
        return personal

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) when no credentials came.
        return f'{self.keyword} realm="staff-api"'


class MFASessionAuthentication(SessionAuthentication):  # type: ignore[misc]
    """A browser signed in to the staff pages, as the pages themselves require: only a session
    whose user has a second factor (the RequireMFAMiddleware's test, which guards /staff/ but
    not /api/). CSRF is still checked for any unsafe method, though the staff API has none."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        result: tuple[User, None] | None = super().authenticate(request)
        if result is None:
            return None
        if not is_mfa_enabled(result[0]):
            raise exceptions.PermissionDenied(STAFF_NO_MFA)
        return result


class IsSignedInStaff(BasePermission):  # type: ignore[misc]
    """A person (not a system), by either of the staff authentications. What they read is
    then decided by the page's own predicates and selectors."""

    message = STAFF_MISSING

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
