from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdop.cases.models import Case
from cdop.core.tests.factories import CaseFactory


@pytest.fixture(autouse=True)
def documents_root(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its files in a folder of its own, with a small size limit."""
    root = tmp_path / "documents"
    settings.DOCUMENTS_ROOT = root
    settings.DOCUMENTS_MAX_BYTES = 10 * 1024
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_HOST = ""
    return root


@pytest.fixture
def case(llr: Any) -> Case:
    return CaseFactory(area=llr)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
