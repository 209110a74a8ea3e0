"""What drf-spectacular cannot work out from the code: how a caller authenticates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "cdop.api.authentication.ApiClientAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The token an administrator of your child death review team gave you when "
                "they registered your system (it starts cdop_). Send it in every request: "
                "Authorization: Bearer <token>."
            ),
        }


class PersonalTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "cdop.api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A member of staff's personal access token (it starts cdop_pat_), made under "
                "‘Personal access tokens’ at /staff/api-clients/tokens/ and shown once. It "
                "reads what its owner's pages show them, with the roles they hold at the time "
                "of each request. Send it in every request: Authorization: Bearer <token>."
            ),
        }


class StaffSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "cdop.api.authentication.MFASessionAuthentication"
    name = "staffSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        from django.conf import settings

        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": (
                "A browser signed in to the staff pages, with a second factor set up (as the "
                "pages require). A session without one gets 403."
            ),
        }
