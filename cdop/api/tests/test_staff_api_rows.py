"""The staff API's lists build their rows in Python (cdop.api.presenters), count from the
areas' kept figures, and are throttled and audited in as few statements as they can: the
answers are byte for byte what the serializers gave, and a page reads the same statements
whatever it holds.

In LLR: alice (CDR manager) reads every case; kim (key worker) only his own."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from cdop.actions.models import Action, ActionStatus
from cdop.actions.tests.factories import ActionFactory, OrganisationFactory
from cdop.api import selectors
from cdop.api.services import api_client_register
from cdop.api.staff_filters import (
    ActionFilterSerializer,
    CaseFilterSerializer,
    NotificationFilterSerializer,
    StaffFilters,
    staff_filters,
    staff_filters_checked,
)
from cdop.api.staff_serializers import (
    ActionSummarySerializer,
    CaseSummarySerializer,
    NotificationSummarySerializer,
)
from cdop.api.tests.conftest import token_for
from cdop.api.throttling import cache_store
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.kept import kept_forget_area
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.core.tests.helpers import committed
from cdop.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

UTC = datetime.UTC


@pytest.fixture
def varied(llr, kim, ada):
    """Rows with every kind of value a list shows: null and set, winter and summer times
    (a "Z" and a "+01:00"), microseconds and none, every age band's edge."""
    winter = datetime.datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    summer = datetime.datetime(2025, 7, 1, 23, 30, 0, 123456, tzinfo=UTC)
    kept = CaseFactory(
        area=llr,
        reference="LLR-2026-0001",
        key_worker=kim,
        opened_at=winter,
        status_changed_at=summer,
        child_date_of_birth=datetime.date(2026, 1, 1),
        date_of_death=datetime.date(2026, 1, 27),
    )
    finalised = CaseFactory(
        area=llr,
        reference="LLR-2025-0002",
        status=Status.FINALISED,
        opened_at=summer,
        finalised_at=winter,
        child_date_of_birth=datetime.date(2008, 3, 1),
        date_of_death=datetime.date(2026, 2, 28),
    )
    for n, born in enumerate((datetime.date(2025, 1, 5), datetime.date(2014, 6, 1))):
        CaseFactory(area=llr, reference=f"LLR-2024-00{n}3", child_date_of_birth=born)
    system, _token = api_client_register(area=llr, name="Royal Infirmary EPR", by=ada)
    NotificationFactory(area=llr, reference="NTF-AAAA-0001", case=kept, received_at=summer)
    NotificationFactory(
        area=llr,
        reference="NTF-AAAA-0002",
        received_at=winter,
        api_client=system,
        jar_required=True,
        ncmd_alert=True,
    )
    ActionFactory(case=kept, due_on=datetime.date(2020, 1, 1))  # overdue
    ActionFactory(
        case=finalised,
        owner_name="",
        owner_organisation=OrganisationFactory(area=llr, name="Synthetic Trust <&>"),
        status=ActionStatus.DONE,
        evidence="Done.",
        closed_on=datetime.date(2026, 3, 1),
        updated_at=summer,
    )
    ActionFactory(case=finalised, status=ActionStatus.IN_PROGRESS, due_on=datetime.date(2099, 1, 1))


def _as_the_serializers_gave(serializer, rows, count: int) -> bytes:
    body = {"count": count, "next": None, "previous": None}
    return JSONRenderer().render({**body, "results": serializer(rows, many=True).data})


@pytest.mark.parametrize(
    ("path", "serializer", "rows"),
    [
        ("cases/", CaseSummarySerializer, lambda: Case.objects.order_by("-opened_at", "-pk")),
        (
            "notifications/",
            NotificationSummarySerializer,
            lambda: Notification.objects.order_by("-received_at", "-pk"),
        ),
        ("actions/", ActionSummarySerializer, lambda: Action.objects.order_by("due_on", "pk")),
    ],
)
def test_a_lists_answer_is_byte_for_byte_what_its_serializer_gives(
    staff_get, alice, varied, path, serializer, rows
):
    expected = list(rows())

    response = staff_get(path, token_for(alice))

    assert response.status_code == 200
    assert response.content == _as_the_serializers_gave(serializer, expected, len(expected))


@pytest.mark.parametrize("path", ["cases/", "notifications/", "actions/"])
def test_a_signed_in_lists_page_reads_eight_statements_for_one_row_or_two_hundred(
    client_for, alice, llr, path
):
    """The session, the user, the second factor; the rate limit read and written; the kept
    count; the page (ids and rows in one); the audit entry."""
    client = client_for(alice)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            case = CaseFactory(area=llr, reference=f"LLR-2026-{i:04d}")
            NotificationFactory(area=llr, case=case)
            ActionFactory(case=case)

    def statements(query: str = "") -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/staff/v1/{path}{query}")
        assert response.status_code == 200, response.content
        return len(captured)

    add(1, 0)
    client.get(f"/api/staff/v1/{path}")  # the session keeps the roles and the time of use
    one = statements()
    add(199, 1)

    assert one == 8
    assert statements("?page_size=200") == 8
    assert len(client.get(f"/api/staff/v1/{path}?page_size=200").json()["results"]) == 200


def test_a_notification_or_action_added_shows_in_the_kept_count_at_once(staff_get, alice, llr):
    token = token_for(alice)
    case = CaseFactory(area=llr)
    with committed():
        NotificationFactory(area=llr, case=case)
        ActionFactory(case=case)
    assert staff_get("notifications/", token).json()["count"] == 1  # counted and kept
    assert staff_get("actions/", token).json()["count"] == 1

    with committed():
        NotificationFactory(area=llr)
        ActionFactory(case=case)

    assert staff_get("notifications/", token).json()["count"] == 2
    assert staff_get("actions/", token).json()["count"] == 2


def test_forgetting_an_areas_figures_forgets_its_kept_counts(staff_get, alice, llr):
    """Services that write without signals (a notification sent, bulk_create) call
    kept_forget_area: the API's counts are among what it forgets."""
    token = token_for(alice)
    with committed():
        NotificationFactory(area=llr)
    assert staff_get("notifications/", token).json()["count"] == 1  # counted and kept
    Notification.objects.bulk_create([NotificationFactory.build(area=llr)])  # no signals
    assert staff_get("notifications/", token).json()["count"] == 1  # the kept count stands

    with committed():
        kept_forget_area(llr.pk)

    assert staff_get("notifications/", token).json()["count"] == 2


def test_the_kept_counts_are_each_areas_and_only_for_lists_not_otherwise_narrowed(alice, llr, kim):
    with committed():
        CaseFactory(area=llr, key_worker=kim)
        NotificationFactory(area=llr)

    assert selectors.staff_case_total(user=alice, filters=StaffFilters()) == 1
    assert selectors.staff_notification_total(user=alice, filters=StaffFilters()) == 1
    assert selectors.staff_action_total(user=alice, filters=StaffFilters(area_id=llr.pk)) == 0
    narrowed = StaffFilters(statuses=(Status.NOTIFIED,))
    assert selectors.staff_case_total(user=alice, filters=narrowed) is None
    assert selectors.staff_action_total(user=alice, filters=StaffFilters(overdue=True)) is None
    # A key worker reads only his own cases and their notifications: those lists count.
    assert selectors.staff_case_total(user=kim, filters=StaffFilters()) is None
    assert selectors.staff_notification_total(user=kim, filters=StaffFilters()) is None


@pytest.mark.parametrize(
    "serializer", [CaseFilterSerializer, NotificationFilterSerializer, ActionFilterSerializer]
)
def test_a_query_of_paging_alone_has_the_filters_the_serializer_would_give(serializer):
    checked = serializer(data={"page": "2", "page_size": "10"})
    checked.is_valid(raise_exception=True)

    assert staff_filters_checked(serializer, {"page": "2", "page_size": "10"}) == staff_filters(
        checked.validated_data
    )
    assert staff_filters_checked(serializer, {}) == StaffFilters()


def test_the_rate_limits_store_is_read_back_by_the_cache_and_replaces_what_was_there():
    cache_store("throttle_test", [3.0, 2.0], 60)
    cache_store("throttle_test", [4.0, 3.0, 2.0], 60)

    assert cache.get("throttle_test") == [4.0, 3.0, 2.0]


def test_a_page_read_by_a_person_of_one_area_writes_its_audit_entry_without_a_transaction(
    staff_get, alice, llr
):
    """One INSERT is atomic by itself; so is the rate limit's one statement."""
    from auditlog.models import LogEntry

    CaseFactory(area=llr, reference="LLR-2026-0009")
    token = token_for(alice)

    with CaptureQueriesContext(connection) as captured:
        staff_get("cases/", token)

    entry = LogEntry.objects.get(object_repr="staff API case list")
    assert entry.actor == alice
    assert entry.additional_data["references"] == ["LLR-2026-0009"]
    assert entry.remote_addr == "127.0.0.1"
    statements = [q["sql"] for q in captured]
    assert len([s for s in statements if s.startswith('INSERT INTO "auditlog')]) == 1
    assert not [s for s in statements if s.startswith(("SAVEPOINT", "BEGIN"))]
