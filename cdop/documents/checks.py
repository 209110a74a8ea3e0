"""A start-up check that uploaded documents cannot be served as static or media files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks


def _served_folders() -> list[Path]:
    folders = [getattr(settings, "STATIC_ROOT", None), getattr(settings, "MEDIA_ROOT", None)]
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        folders.append(entry[1] if isinstance(entry, tuple | list) else entry)
    return [Path(f).resolve() for f in folders if f]


@checks.register(checks.Tags.security)
def documents_root_not_served(**kwargs: Any) -> list[checks.CheckMessage]:
    root = Path(settings.DOCUMENTS_ROOT).resolve()
    for folder in _served_folders():
        if root == folder or root.is_relative_to(folder) or folder.is_relative_to(root):
            return [
                checks.Error(
                    f"DOCUMENTS_ROOT ({root}) overlaps {folder}, which is served to browsers.",
                    hint="Keep case documents in a folder nothing serves, such as var/documents.",
                    id="documents.E001",
                )
            ]
    return []
