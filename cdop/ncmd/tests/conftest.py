from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Every test's exports land in its own directory."""
    target = tmp_path / "ncmd"
    settings.NCMD_EXPORT_DIR = str(target)
    return target
