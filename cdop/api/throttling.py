"""Rate limits on the API: per registered client, and per address for wrong tokens.

Both count in the default cache, which is the database, so that the limits hold across
processes. Rates are read from REST_FRAMEWORK each time (not when this module is imported),
so a deployment or a test can change them.
"""

from __future__ import annotations

import base64
import datetime
import pickle
import time
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cdop.notifications.models import ApiClient


class _SettingsRateThrottle(SimpleRateThrottle):  # type: ignore[misc]
    def get_rate(self) -> str | None:
        rate: str | None = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return rate


class ApiClientThrottle(_SettingsRateThrottle):
    """Each client may make so many requests a minute (API_RATE_LIMIT)."""

    scope = "api_client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None  # the request is refused before it is counted
        return f"throttle_{self.scope}_{client.pk}"


class FailedAuthenticationThrottle(_SettingsRateThrottle):
    """Counts wrong and revoked tokens from one address (API_AUTH_FAILURE_RATE_LIMIT); once
    over the limit, the address is refused for a while whatever token it sends, so that
    tokens cannot be guessed."""

    scope = "api_auth_failure"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return f"throttle_{self.scope}_{self.get_ident(request)}"

    def is_blocked(self, request: Request) -> bool:
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return bool(len(self.history) >= self.num_requests)

    def record_failure(self, request: Request) -> None:
        if self.rate is None:
            return
        if not hasattr(self, "history"):
            self.is_blocked(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


# The staff API's rate when REST_FRAMEWORK names none (API_STAFF_RATE_LIMIT).
STAFF_DEFAULT_RATE = "120/minute"


def cache_store(key: str, value: Any, timeout: int) -> None:
    """cache.set(key, value, timeout) in one statement where the cache is the database.

    Django's database cache sets a key in five: it counts the table (to cull it when over
    its limit), then in a transaction reads the key's row and updates or inserts it. A rate
    limit that counts every request would pay that on every request; here the row is
    written with one INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL), in the form
    the cache reads back. It leaves the culling to the cache's other writes: there is one
    such key a person."""
    cache = caches[DEFAULT_CACHE_ALIAS]  # the backend itself (django.core.cache.cache is a proxy)
    if not isinstance(cache, DatabaseCache):
        cache.set(key, value, timeout)
        return
    db_key = cache.make_and_validate_key(key)
    connection = connections[router.db_for_write(cache.cache_model_class)]
    if connection.vendor not in {"sqlite", "postgresql"}:
        cache.set(key, value, timeout)
        return
    quote = connection.ops.quote_name
    table, column_key = quote(cache._table), quote("cache_key")  # type: ignore[attr-defined]
    column_value, column_expires = quote("value"), quote("expires")
    # As DatabaseCache._base_set stores them: the pickle in base64, the expiry to the second.
    expires = datetime.datetime.fromtimestamp(time.time() + timeout, tz=datetime.UTC)
    encoded = base64.b64encode(pickle.dumps(value, cache.pickle_protocol)).decode("latin1")
    with connection.cursor() as cursor:
        cursor.execute(
            # Only quoted names are formatted in; the values go as parameters.
            f"INSERT INTO {table} ({column_key}, {column_value}, {column_expires})"  # noqa: S608
            f" VALUES (%s, %s, %s) ON CONFLICT ({column_key}) DO UPDATE"
            f" SET {column_value} = EXCLUDED.{column_value},"
            f" {column_expires} = EXCLUDED.{column_expires}",
            [
                db_key,
                encoded,
                connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0)),
            ],
        )


class StaffUserThrottle(_SettingsRateThrottle):
    """Each person may make so many staff API requests a minute, by token and session alike.

    DRF's own sliding window (the times of the person's requests within the last minute),
    read in one statement and stored in one (cache_store)."""

    scope = "api_staff"

    def throttle_success(self) -> bool:
        self.history.insert(0, self.now)
        cache_store(self.key, self.history, self.duration)  # self.cache: the default cache
        return True

    def get_rate(self) -> str | None:
        return super().get_rate() or STAFF_DEFAULT_RATE

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = request.user
        if not (user and user.is_authenticated):
            return None  # refused before it is counted
        return f"throttle_{self.scope}_{user.pk}"
