"""How an export reaches NCMD.

NCMD's supplier interface is not published (domain.md §5), so the exporter speaks to a
`Transport`: anything with `name` and `send(path, name) -> Receipt`. The one implementation,
`FileTransport`, puts the file in a directory (NCMD_EXPORT_DIR) for a person or a script to
upload. A national API client becomes a second class, chosen with NCMD_TRANSPORT, with no
change to the exporter.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_TRANSPORT = "cdop.ncmd.transport.FileTransport"


@dataclass(frozen=True)
class Receipt:
    """What the transport says it did: where the file went, or the national reference."""

    transport: str
    file_name: str
    detail: str


@runtime_checkable
class Transport(Protocol):
    name: str

    def send(self, path: Path, name: str) -> Receipt:
        """Deliver the finished file at `path` under `name`; raise OSError if it could not."""
        ...


def export_dir() -> Path:
    configured = getattr(settings, "NCMD_EXPORT_DIR", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "ncmd"


class FileTransport:
    """Writes the file into NCMD_EXPORT_DIR (default var/ncmd), for upload.

    The file is moved in under a temporary name and then renamed, so that a script watching
    the directory never picks up half a file. Files are readable by their owner only: they
    hold identifiable data.
    """

    name = "file"

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or export_dir()

    def send(self, path: Path, name: str) -> Receipt:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.directory / name
        partial = self.directory / f".{name}.partial"
        shutil.move(str(path), partial)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
        return Receipt(transport=self.name, file_name=name, detail=str(target))


def transport_get() -> Transport:
    """The transport named by NCMD_TRANSPORT (a dotted path to a class)."""
    cls = import_string(getattr(settings, "NCMD_TRANSPORT", DEFAULT_TRANSPORT))
    transport = cls()
    if not isinstance(transport, Transport):
        raise TypeError(f"{cls!r} is not an NCMD transport (it needs name and send).")
    return transport
