"""Database helpers shared by the steps of the process."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_turn_files: dict[str, int] = {}


@contextmanager
def write_turn() -> Iterator[None]:
    """On SQLite with a database file, wait for this process's turn to write on a file lock.

    SQLite lets one writer at a time; a second one that finds the lock taken sleeps in its
    busy handler (1, 2, 5, 10 ms…) however soon the lock is free again. Two app processes
    sending notifications at once collided often enough that the submit's median under load
    was about a fifth slower. The kernel wakes a process waiting on flock() as soon as the
    other lets go. It only orders the writers that use it: SQLite's own locking still keeps
    the database safe, and a writer that does not use it is never made to wait on it.
    """
    name = str(connection.settings_dict.get("NAME") or "")
    # Inside a caller's transaction this process may already hold SQLite's lock: waiting on
    # the file lock then could leave another process waiting on us while we wait on it.
    if connection.vendor != "sqlite" or not name or "memory" in name or connection.in_atomic_block:
        yield
        return
    fd = _turn_files.get(name)
    if fd is None:
        fd = _turn_files[name] = os.open(f"{name}-writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
