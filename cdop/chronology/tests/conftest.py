from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cdop.areas.residence import residence_override
from cdop.cases.models import Case
from cdop.cases.services import case_open_from_notification, case_start_information_gathering
from cdop.core.tests.factories import NotificationFactory
from cdop.notifications.reference import ResidenceStatus
from cdop.transfers.services import notification_add_to_case

UK_WINTER = datetime.UTC  # November: UK time is UTC


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=UK_WINTER)


@pytest.fixture
def story(llr: Any, alice: Any) -> Case:
    """A case with a history: notified on the 2nd, opened on the 3rd, a second notification
    added on the 5th, residence decided by hand on the 6th, information gathering on the 9th."""
    with time_machine.travel(at(2), tick=False):
        first = NotificationFactory(
            area=llr,
            received_at=timezone.now(),
            notifier_name="Sam Notifier",
            notifier_role="Paediatric registrar",
            notifier_organisation="Synthetic Hospitals NHS Trust",
        )
    with time_machine.travel(at(3), tick=False):
        case = case_open_from_notification(notification=first, by=alice)
    with time_machine.travel(at(5), tick=False):
        second = NotificationFactory(
            area=llr,
            received_at=at(4),
            notifier_name="Jo Police",
            notifier_role="Detective sergeant",
            notifier_organisation="Synthetic Constabulary",
        )
        notification_add_to_case(notification=second, case=case, by=alice)
    with time_machine.travel(at(6), tick=False):
        residence_override(
            notification=first,
            status=ResidenceStatus.THIS_AREA,
            area=None,
            reason="Placed with foster carers in Leicester",
            by=alice,
        )
    with time_machine.travel(at(9), tick=False):
        case_start_information_gathering(case=case, by=alice, reason="Agency forms sent")
    case.refresh_from_db()
    return case
