"""The staff API's lists at any size: a page's queries do not grow with the rows behind it,
and the page's ids picked first still come back in the list's order.

In LLR: alice (CDR manager) reads every case; kim (key worker) only his own cases."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.accounts.models import Role
from cdop.api.tests.conftest import token_for
from cdop.core.tests.factories import CaseFactory, MembershipFactory, NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def _queries(staff_get, path: str, token: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = staff_get(path, token)
    assert response.status_code == 200, response.content
    return len(captured)


def _cases(area, n: int, start: int) -> None:
    now = timezone.now()
    for i in range(start, start + n):
        CaseFactory(area=area, opened_at=now - datetime.timedelta(hours=i))


def _notifications(area, n: int, start: int) -> None:
    now = timezone.now()
    for i in range(start, start + n):
        NotificationFactory(area=area, received_at=now - datetime.timedelta(hours=i))


@pytest.mark.parametrize(("path", "add"), [("cases/", _cases), ("notifications/", _notifications)])
def test_a_lists_queries_are_the_same_for_two_rows_or_a_hundred(staff_get, alice, llr, path, add):
    token = token_for(alice)
    add(llr, 2, 0)
    staff_get(path, token)  # the token's first use is recorded once
    few = _queries(staff_get, path, token)
    add(llr, 98, 2)

    assert _queries(staff_get, path, token) == few
    assert _queries(staff_get, path + "?page=2", token) == few


def test_cases_come_newest_opened_first_across_pages(staff_get, alice, llr):
    _cases(llr, 60, 0)
    token = token_for(alice)

    first = staff_get("cases/", token).json()
    second = staff_get("cases/", token, page=2).json()

    opened = [row["opened_at"] for row in first["results"] + second["results"]]
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert len(second["results"]) == 10
    assert opened == sorted(opened, reverse=True)


def test_notifications_come_newest_received_first_across_pages(staff_get, alice, llr):
    _notifications(llr, 55, 0)
    token = token_for(alice)

    first = staff_get("notifications/", token, page_size=30).json()
    second = staff_get("notifications/", token, page_size=30, page=2).json()

    received = [row["received_at"] for row in first["results"] + second["results"]]
    assert first["count"] == 55
    assert len(received) == 55
    assert received == sorted(received, reverse=True)


def test_a_key_worker_who_manages_another_area_reads_both_kinds_of_notification(
    staff_get, kim, llr, other_area
):
    """Whole areas by the area, elsewhere by the cases he is key worker for."""
    MembershipFactory(user=kim, area=other_area, role=Role.CDR_MANAGER)
    his = CaseFactory(area=llr, key_worker=kim)
    NotificationFactory(area=llr, case=his, reference="NTF-KIMS-0001")
    NotificationFactory(area=llr, reference="NTF-LLRQ-0001")  # LLR's queue: not his
    NotificationFactory(area=other_area, reference="NTF-DEMO-0001")

    response = staff_get("notifications/", token_for(kim))

    assert response.status_code == 200
    assert sorted(row["reference"] for row in response.json()["results"]) == [
        "NTF-DEMO-0001",
        "NTF-KIMS-0001",
    ]
    assert response.json()["count"] == 2
