"""The security tests' shared world: seeded once per module inside a transaction that is
rolled back at the end, so each test (in its own savepoint) starts from the same rows and
the rest of the suite never sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    documents_root: Path = tmp_path_factory.mktemp("documents")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            DOCUMENTS_ROOT=documents_root,
            CLAMAV_SOCKET="",
            CLAMAV_HOST="",
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
