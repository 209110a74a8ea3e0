from __future__ import annotations

import re

_VARYING = re.compile(rb'(nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*")')


def shape(content: bytes) -> bytes:
    """A page's bytes without what differs on every response (CSP nonce, CSRF token)."""
    return _VARYING.sub(b"", content)
