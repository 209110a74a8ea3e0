from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.http import Http404

from cdop.analysis.tests.factories import complete_analysis
from cdop.cases import services
from cdop.cases.models import Case, CaseTransition
from cdop.cases.workflow import REVIEW_LINE, Status
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.notifications.models import Notification

pytestmark = pytest.mark.django_db

LINE_SERVICES = [
    services.case_start_information_gathering,
    services.case_ready_for_cdrm,
    services.case_record_cdrm_held,
    services.case_refer_to_panel,
    services.case_record_panel_review,
    services.case_finalise,
]


def test_it_opens_a_case_from_a_notification_with_a_reference_and_a_first_log_row(llr, alice):
    notification = NotificationFactory(area=llr)

    case = services.case_open_from_notification(notification=notification, by=alice)

    assert case.reference.startswith(f"LLR-{case.opened_at.year}-")
    assert case.status == Status.NOTIFIED
    assert case.child_last_name == notification.child_last_name
    notification.refresh_from_db()
    assert notification.status == Notification.Status.CASE_OPENED
    assert notification.case == case
    first = case.transitions.get()
    assert (first.from_status, first.to_status, first.by) == ("", Status.NOTIFIED, alice)


def test_it_walks_a_case_along_the_whole_review_line_logging_every_step(llr, alice):
    case = services.case_open_from_notification(
        notification=NotificationFactory(area=llr), by=alice
    )
    complete_analysis(case=case, by=alice)  # finalising needs the panel's complete analysis

    for service in LINE_SERVICES:
        case = service(case=case, by=alice, reason=f"note for {service.__name__}")

    assert case.status == Status.FINALISED
    assert case.finalised_at is not None
    logged = list(case.transitions.values_list("to_status", flat=True))
    assert logged == list(REVIEW_LINE)
    assert CaseTransition.objects.filter(case=case, reason="note for case_finalise").exists()
    updates = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE)
    assert updates.count() == len(LINE_SERVICES)
    assert updates.first().actor == alice


def test_it_refuses_a_transition_from_the_wrong_status_and_changes_nothing(llr, alice):
    case = CaseFactory(area=llr, status=Status.NOTIFIED)

    with pytest.raises(DomainError, match="Notified"):
        services.case_finalise(case=case, by=alice)

    case.refresh_from_db()
    assert case.status == Status.NOTIFIED
    assert not CaseTransition.objects.filter(case=case).exists()


def test_it_refuses_to_open_the_same_notification_twice(llr, alice):
    notification = NotificationFactory(area=llr)
    services.case_open_from_notification(notification=notification, by=alice)

    with pytest.raises(DomainError, match="already been dealt with"):
        services.case_open_from_notification(notification=notification, by=alice)
    assert Case.objects.count() == 1


def test_it_needs_a_reason_to_transfer(llr, alice):
    case = CaseFactory(area=llr)
    with pytest.raises(DomainError) as error:
        services.case_transfer(case=case, by=alice, reason="   ")
    assert error.value.field == "reason"
    case.refresh_from_db()
    assert case.status == Status.NOTIFIED


def test_a_key_worker_can_read_but_not_move_a_case(llr, kim):
    case = CaseFactory(area=llr, key_worker=kim)
    with pytest.raises(DomainError, match="role does not allow"):
        services.case_start_information_gathering(case=case, by=kim)


def test_a_manager_of_another_area_gets_not_found(llr, olu):
    case = CaseFactory(area=llr)
    with pytest.raises(Http404):
        services.case_start_information_gathering(case=case, by=olu)


def test_it_merges_a_duplicate_into_the_live_case(llr, alice):
    live = CaseFactory(area=llr)
    duplicate = CaseFactory(area=llr)

    merged = services.case_merge_duplicate(
        case=duplicate,
        by=alice,
        reason="Same child, second notifier",
        into_reference=live.reference,
    )

    assert merged.status == Status.MERGED
    assert merged.merged_into == live


def test_it_refuses_to_merge_a_case_into_itself(llr, alice):
    case = CaseFactory(area=llr)
    with pytest.raises(DomainError, match="itself"):
        services.case_merge_duplicate(
            case=case, by=alice, reason="x", into_reference=case.reference
        )


def test_tasks_started_on_the_notification_move_to_the_case_it_opens(llr, alice):
    from django.utils import timezone

    from cdop.cases.models import Task

    notification = NotificationFactory(area=llr)
    task = Task.objects.create(
        area=llr,
        notification=notification,
        title="Hold the JAR strategy discussion",
        rule="jar",
        due_at=timezone.now(),
    )

    case = services.case_open_from_notification(notification=notification, by=alice)

    task.refresh_from_db()
    assert task.case == case
    assert task.notification == notification
