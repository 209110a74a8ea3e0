from __future__ import annotations

from django.db import models


class RateLimitCounter(models.Model):
    """How many requests one address has made towards one limit in the current window.

    One row per limit and address, counted up in a single statement (cdop.core.ratelimit),
    so a check is one short write that holds across processes. Rows of windows long over
    are deleted by `ratelimit_counters_delete_expired`.
    """

    # SHA-256 of the limit's group, rate and the address: no address is stored in clear.
    key = models.CharField(max_length=64, unique=True)
    # The end of the counted window, in seconds since the epoch (plain integers keep the
    # one-statement upsert the same on SQLite and PostgreSQL).
    window_ends_at = models.BigIntegerField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]}…: {self.count}"
