"""What drf-spectacular cannot work out from the code: how a client authenticates."""

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
