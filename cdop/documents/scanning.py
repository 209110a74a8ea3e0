"""The optional virus scan, through ClamAV's clamd (clamav-client).

Off unless CLAMAV_SOCKET or CLAMAV_HOST is set. When on it fails closed: a file the scanner
could not be asked about is refused, as is one it reports infected. Tests put a fake scanner
in place with `scanner_override`, rather than reaching a real clamd.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol

from django.conf import settings

logger = logging.getLogger(__name__)


class Verdict(enum.Enum):
    CLEAN = "clean"
    INFECTED = "infected"
    UNAVAILABLE = "unavailable"  # not reachable, timed out, or answered with an error


class Scanner(Protocol):
    def scan(self, file: IO[bytes]) -> Verdict: ...


class ClamdScanner:
    def __init__(
        self, *, socket_path: str = "", host: str = "", port: int = 3310, timeout: int = 30
    ):
        self.socket_path = socket_path
        self.host = host
        self.port = port
        self.timeout = timeout

    def scan(self, file: IO[bytes]) -> Verdict:
        from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket

        try:
            client = (
                ClamdUnixSocket(path=self.socket_path, timeout=self.timeout)
                if self.socket_path
                else ClamdNetworkSocket(host=self.host, port=self.port, timeout=self.timeout)
            )
            file.seek(0)
            result = client.instream(file)  # type: ignore[arg-type]
        except (ClamdError, OSError) as error:
            logger.warning("Virus scanner unavailable: %s", error)
            return Verdict.UNAVAILABLE
        finally:
            file.seek(0)
        state = (result or {}).get("stream", ("ERROR", "no answer"))[0]
        if state == "OK":
            return Verdict.CLEAN
        if state == "FOUND":
            return Verdict.INFECTED
        logger.warning("Virus scanner answered %r", result)
        return Verdict.UNAVAILABLE


_override: list[Scanner | None] = []


def scanner() -> Scanner | None:
    """The configured scanner, or None when scanning is off."""
    if _override:
        return _override[-1]
    socket_path = getattr(settings, "CLAMAV_SOCKET", "")
    host = getattr(settings, "CLAMAV_HOST", "")
    if not socket_path and not host:
        return None
    return ClamdScanner(
        socket_path=socket_path,
        host=host,
        port=int(getattr(settings, "CLAMAV_PORT", 3310)),
        timeout=int(getattr(settings, "CLAMAV_TIMEOUT_SECONDS", 30)),
    )


@contextmanager
def scanner_override(fake: Scanner | None) -> Iterator[None]:
    """Use this scanner (or none) inside the block, whatever the settings say."""
    _override.append(fake)
    try:
        yield
    finally:
        _override.pop()
