from __future__ import annotations

import io
from typing import Any

from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_BODY_BYTES = 64 * 1024


class PayloadTooLargeError(exceptions.APIException):  # type: ignore[misc]
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = (
        "The request is larger than 64 KB. A notification is much smaller than that: check "
        "that nothing else was sent with it."
    )
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):  # type: ignore[misc]
    """JSON, refused unread above 64 KB: a notification is a few kilobytes of text."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > MAX_BODY_BYTES:
            raise PayloadTooLargeError
        # A body without a length (chunked) is read only as far as the limit.
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise PayloadTooLargeError
        return super().parse(io.BytesIO(body), media_type, parser_context)
