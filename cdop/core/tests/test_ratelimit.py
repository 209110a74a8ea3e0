"""Rate limits counted in the database: one statement a request, per address and limit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_ratelimit.exceptions import Ratelimited

from cdop.core.models import RateLimitCounter
from cdop.core.ratelimit import (
    client_address,
    rate_limit,
    rate_parse,
    ratelimit_counters_delete_expired,
    ratelimit_hit,
)

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000.0


def test_a_rate_reads_like_django_ratelimits():
    assert rate_parse("120/10m") == (120, 600)
    assert rate_parse("20/h") == (20, 3600)
    assert rate_parse("5/s") == (5, 1)


@pytest.mark.parametrize("rate", ["", "ten/m", "5/minute", "5"])
def test_it_refuses_a_rate_it_cannot_read(rate):
    with pytest.raises(ValueError, match="Not a rate"):
        rate_parse(rate)


def test_it_counts_a_request_in_one_statement():
    with CaptureQueriesContext(connection) as queries:
        over = ratelimit_hit(group="notify", value="192.0.2.1", rate="2/m", now=NOW)

    assert over is False
    assert len(queries) == 1
    assert RateLimitCounter.objects.get().count == 1


def test_it_lets_the_limit_through_and_blocks_the_next():
    hits = [ratelimit_hit(group="notify", value="192.0.2.1", rate="2/m", now=NOW) for _ in range(3)]

    assert hits == [False, False, True]


def test_the_count_starts_afresh_in_the_next_window():
    for _ in range(3):
        ratelimit_hit(group="notify", value="192.0.2.1", rate="2/m", now=NOW)

    later = ratelimit_hit(group="notify", value="192.0.2.1", rate="2/m", now=NOW + 60)

    assert later is False
    assert RateLimitCounter.objects.get().count == 1  # one row per address, reused


def test_each_address_and_each_limit_counts_separately():
    ratelimit_hit(group="notify", value="192.0.2.1", rate="1/m", now=NOW)

    assert ratelimit_hit(group="notify", value="192.0.2.2", rate="1/m", now=NOW) is False
    assert ratelimit_hit(group="transfer", value="192.0.2.1", rate="1/m", now=NOW) is False
    assert ratelimit_hit(group="notify", value="192.0.2.1", rate="1/m", now=NOW) is True


def test_no_address_is_stored_in_clear():
    ratelimit_hit(group="notify", value="192.0.2.1", rate="1/m", now=NOW)

    assert "192.0.2.1" not in RateLimitCounter.objects.get().key


def test_addresses_of_one_ipv6_network_share_a_count():
    factory = RequestFactory()
    one = factory.post("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = factory.post("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")

    assert client_address(one) == client_address(other) == "2001:db8:1:2::"
    assert client_address(factory.post("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


def test_counters_of_windows_that_are_over_are_deleted():
    ratelimit_hit(group="notify", value="192.0.2.1", rate="1/m", now=NOW)
    ratelimit_hit(group="notify", value="192.0.2.2", rate="1/h", now=NOW)

    deleted = ratelimit_counters_delete_expired(now=NOW + 61)

    assert deleted == 1
    assert RateLimitCounter.objects.count() == 1


def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_the_decorator_counts_posts_only_and_raises_ratelimited_over_the_limit():
    limited = rate_limit(group="test", rate=lambda: "1/m")(_view)
    factory = RequestFactory()

    assert limited(factory.get("/")).status_code == 200
    assert limited(factory.get("/")).status_code == 200
    assert limited(factory.post("/")).status_code == 200
    with pytest.raises(Ratelimited):
        limited(factory.post("/"))
    assert RateLimitCounter.objects.get().count == 2
