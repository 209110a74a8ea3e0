from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email address a sign-in attempt was for, from allauth's credentials or the form.

    django-axes locks accounts by this value, so it is normalised the way accounts store it.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if value is None and request is not None:
        value = request.POST.get("login")
    return value.strip().lower() if isinstance(value, str) else None
