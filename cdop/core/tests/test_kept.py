"""Figures kept in the shared cache (cdop.core.kept): each part keeps its own age, and the
writes that send no signals (a notification sent, JAR tasks made, a notification moved to
another area, a case anonymised) forget the figures of every area they touch."""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid

import pytest
import time_machine

from cdop.core.kept import kept_forget_area, kept_part
from cdop.core.tests.factories import NotificationFactory
from cdop.core.tests.helpers import committed
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.notifications.services import NotificationDetails, notification_submit
from cdop.ops.tests.helpers import synthetic_details
from cdop.reporting.selectors import statistics_for_area
from cdop.surveillance.selectors import surveillance_dashboard

pytestmark = pytest.mark.django_db


def test_each_part_keeps_its_own_age(llr):
    counted: list[str] = []

    def count(name: str) -> str:
        counted.append(name)
        return name

    with time_machine.travel(time.time(), tick=False) as clock:
        kept_part("test:kept", ("a",), lambda: count("a"), seconds=60)
        clock.shift(50)
        kept_part("test:kept", ("b",), lambda: count("b"), seconds=60)  # stores the key again
        kept_part("test:kept", ("a",), lambda: count("a"), seconds=60)  # still young
        clock.shift(20)
        kept_part("test:kept", ("a",), lambda: count("a"), seconds=60)  # 70 s: counted again
        kept_part("test:kept", ("b",), lambda: count("b"), seconds=60)  # 20 s: kept

    assert counted == ["a", "b", "a"]


def _notified(area) -> tuple[int, int]:
    """(the year's notifications on the statistics page, deaths on the dashboard)."""
    stats = statistics_for_area(area=area)
    dashboard = surveillance_dashboard(area=area, window_days=90, years=5)
    deaths = next(s.observed for s in dashboard.signals if s.group.code == "all")
    return stats.notifications_received, deaths


def _details() -> NotificationDetails:
    """A death three days ago, without an NHS number (the other notification of the tests
    has the factory's, and the dashboard counts one child once)."""
    return dataclasses.replace(
        synthetic_details(1),
        child_nhs_number="",
        date_of_death=datetime.date.today() - datetime.timedelta(days=3),
    )


def test_a_notification_sent_shows_on_the_kept_statistics_and_dashboard(llr):
    with committed():
        NotificationFactory(area=llr, date_of_death=datetime.date.today())
    before = _notified(llr)

    with committed():
        notification_submit(area=llr, submission_token=uuid.uuid4(), details=_details())

    assert before == (1, 1)
    assert _notified(llr) == (2, 2)


def test_a_notification_moved_to_another_area_leaves_the_first_areas_figures(
    llr, other_area, client_for, alice
):
    with committed():
        notification = NotificationFactory(
            area=llr,
            date_of_death=datetime.date.today(),
            residence_status=ResidenceStatus.OTHER_AREA,
            residence_area=other_area,
        )
    before = _notified(llr)

    with committed():
        client_for(alice).post(
            f"/staff/transfers/{notification.reference}/inside/",
            {"to_area": other_area.pk, "reason": "Lived in Demo Shire"},
        )

    notification.refresh_from_db()
    assert notification.area == other_area
    # (Lived in another area: never a death on this area's dashboard.)
    assert before == (1, 0)
    assert _notified(llr) == (0, 0)


def test_forgetting_an_area_forgets_every_kind_of_its_figures(llr):
    with committed():
        NotificationFactory(area=llr, date_of_death=datetime.date.today())
    _notified(llr)

    Notification.objects.filter(area=llr).update(
        received_at=datetime.datetime(2001, 1, 1, 12, tzinfo=datetime.UTC)
    )
    kept = _notified(llr)  # an update() sends no signals: the figures stand
    kept_forget_area(llr.pk)

    assert kept == (1, 1)
    assert _notified(llr)[0] == 0
