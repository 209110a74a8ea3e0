from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest


class AuditlogMiddleware(BaseAuditlogMiddleware):  # type: ignore[misc]
    """auditlog's middleware, but the client address comes from X-Forwarded-For only behind
    a proxy we were told to trust; otherwise anyone could write any address into the log."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if settings.AUDIT_TRUST_X_FORWARDED_FOR:
            forwarded = request.headers.get("X-Forwarded-For", "")
            if forwarded:
                return forwarded.split(",")[0].strip() or None
        return request.META.get("REMOTE_ADDR")
