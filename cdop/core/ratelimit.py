"""Per-address rate limits counted in the database, in one statement per request.

django-ratelimit on Django's database cache took about eleven queries and two write
transactions per check (an `add`, then an `incr`, each starting with `SELECT COUNT(*)` of
the cache table). Here a check is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` on a
small table, atomic on SQLite (3.35 or later) and PostgreSQL, so the limit holds across
processes and machines. Windows are fixed, like django-ratelimit's, and a blocked request
raises its `Ratelimited`, so RATELIMIT_VIEW (the 429 page) answers as before.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django_ratelimit.exceptions import Ratelimited

from cdop.core.models import RateLimitCounter

View = Callable[..., HttpResponse]

_PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def rate_parse(rate: str) -> tuple[int, int]:
    """ "120/10m" → (120 requests, 600 seconds); the notation django-ratelimit uses."""
    match = _RATE.match(rate.strip())
    if match is None:
        raise ValueError(f"Not a rate like '120/10m': {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _PERIODS[unit]


def client_address(request: HttpRequest) -> str:
    """The address a limit counts by: REMOTE_ADDR (the proxy in front sets it), with IPv6
    reduced to its /64 network, since one machine holds a whole /64."""
    address = request.META.get("REMOTE_ADDR") or ""
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


def _window_end(value: str, period: int, now: int) -> int:
    # As django-ratelimit: windows of fixed length, each address's shifted by a steady
    # offset so that not every limit starts afresh at the same second.
    end = now - now % period + zlib.crc32(value.encode()) % period
    return end + period if end <= now else end


_UPSERT = """
INSERT INTO {table} ({key}, {window}, {count}) VALUES (%s, %s, 1)
ON CONFLICT ({key}) DO UPDATE SET
    {count} = CASE WHEN {table}.{window} = excluded.{window} THEN {table}.{count} + 1 ELSE 1 END,
    {window} = excluded.{window}
RETURNING {count}
"""


def ratelimit_hit(*, group: str, value: str, rate: str, now: float | None = None) -> bool:
    """Count one request of `value` (an address) towards `group`'s limit; True when it is
    over the limit. One statement, so two processes counting at once cannot both miss."""
    limit, period = rate_parse(rate)
    at = int(time.time() if now is None else now)
    key = hashlib.sha256(f"{group}\x00{limit}/{period}\x00{value}".encode()).hexdigest()
    quote = connection.ops.quote_name
    sql = _UPSERT.format(
        table=quote(RateLimitCounter._meta.db_table),
        key=quote("key"),
        window=quote("window_ends_at"),
        count=quote("count"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, _window_end(value, period, at)])
        row = cursor.fetchone()
    return int(row[0]) > limit


@dataclass(frozen=True, kw_only=True)
class RateLimit:
    """One request's count towards one limit, to be made where it suits: by `rate_limit`
    before the view, or inside the transaction of the write it limits (one write
    transaction instead of two, which matters on SQLite's single write lock)."""

    group: str
    value: str
    rate: str

    def count(self) -> None:
        """Count the request; raise Ratelimited (the 429 page) when it is over the limit."""
        if ratelimit_hit(group=self.group, value=self.value, rate=self.rate):
            raise Ratelimited()


def rate_limit_of(request: HttpRequest, *, group: str, rate: str) -> RateLimit:
    return RateLimit(group=group, value=client_address(request), rate=rate)


def rate_limit(
    *, group: str, rate: Callable[[], str], methods: tuple[str, ...] = ("POST",)
) -> Callable[[View], View]:
    """Limit a view per address: requests of `methods` count, the rest pass uncounted.
    `rate` is called on every request, so a setting changed at run time (or in a test)
    applies at once."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                rate_limit_of(request, group=group, rate=rate()).count()
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorator


def ratelimit_counters_delete_expired(*, now: float | None = None) -> int:
    """Delete the counters of windows that are over (a later request starts afresh anyway)."""
    at = int(time.time() if now is None else now)
    deleted, _ = RateLimitCounter.objects.filter(window_ends_at__lte=at).delete()
    return deleted
