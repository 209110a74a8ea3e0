"""Where document files are kept: under settings.DOCUMENTS_ROOT, by a random name, mode 0600.

Nothing here ever uses the uploader's filename for a path. Files are spread over
subfolders by the first two characters of their name, so no folder grows huge.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings


def documents_root() -> Path:
    return Path(settings.DOCUMENTS_ROOT)


def new_storage_name() -> str:
    return secrets.token_hex(20)


def storage_path(storage_name: str) -> Path:
    # The name is ours (hex), but check anyway: a path must never leave the root.
    if not storage_name.isalnum():
        raise ValueError("Not a storage name")
    return documents_root() / storage_name[:2] / storage_name


def storage_write(*, storage_name: str, chunks: Iterable[bytes]) -> Path:
    """Write a new file that only the service's own user can read; never overwrite one."""
    path = storage_path(storage_name)
    documents_root().mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)  # whatever the umask said
    return path


def storage_remove(storage_name: str) -> None:
    storage_path(storage_name).unlink(missing_ok=True)
