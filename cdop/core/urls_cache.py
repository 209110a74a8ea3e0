from __future__ import annotations

from functools import lru_cache

from django.urls import reverse


@lru_cache(maxsize=1024)
def cached_reverse(name: str, *args: str) -> str:
    """reverse() for the links every page carries (menu, footer, account links).

    URLs do not change while the process runs, and reverse() is among the dearest things a
    page does, so each is worked out once per process.
    """
    return reverse(name, args=args or None)
