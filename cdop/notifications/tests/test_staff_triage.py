"""The staff queue and notification page: what triage needs to see, and who may see it."""

from __future__ import annotations

import dataclasses
import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.areas.models import LocalAuthority
from cdop.cases.models import Task
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.core.tests.helpers import committed, error_summary_targets, page_of
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.notifications.selectors import notification_timeliness
from cdop.notifications.services import notification_submit
from cdop.ops.tests.helpers import synthetic_details

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def test_a_notification_30_hours_after_death_is_later_than_24_hours():
    n = NotificationFactory.build(
        date_of_death=datetime.date(2026, 11, 20),
        time_of_death=datetime.time(6, 0),
        received_at=at(2026, 11, 21, 12, 0),
    )
    timeliness = notification_timeliness(n)
    assert timeliness.late
    assert timeliness.label == "Notified 30 hours after death — later than 24 hours"


def test_without_a_time_of_death_midday_is_assumed():
    n = NotificationFactory.build(
        date_of_death=datetime.date(2026, 11, 20), received_at=at(2026, 11, 20, 20, 0)
    )
    timeliness = notification_timeliness(n)
    assert not timeliness.late
    assert timeliness.label == "Notified about 8 hours after death"


def test_a_late_notification_counts_in_days():
    n = NotificationFactory.build(
        date_of_death=datetime.date(2026, 11, 1), received_at=at(2026, 11, 20, 12, 0)
    )
    assert notification_timeliness(n).label.startswith("Notified about 19 days after death")


def test_the_queue_shows_jar_residence_duplicates_and_timeliness(llr, client_for, alice):
    rutland = LocalAuthority.objects.filter(ons_code="E06000017").first()
    NotificationFactory(
        area=llr,
        child_first_name="Jarvis",
        jar_required=True,
        residence_status=ResidenceStatus.OTHER_AREA,
        residence_upper_code="E06000017",
        date_of_death=datetime.date(2026, 11, 20),
        time_of_death=datetime.time(6, 0),
        received_at=at(2026, 11, 21, 12, 0),
    )
    NotificationFactory(area=llr, child_last_name="Pair", residence_status="not_england")
    NotificationFactory(area=llr, child_last_name="Pair")

    page = client_for(alice).get("/staff/notifications/")

    assert page.status_code == 200
    text = page.text
    assert ">JAR<" in text
    assert "Notified 30 hours after death — later than 24 hours" in text
    expected = f"Other area: {rutland.name}" if rutland else "Other area"
    assert expected in text
    assert "Not England" in text
    assert "Unknown" in text
    assert text.count("Possible duplicate") == 3  # all three share the factory's NHS number


def test_the_notification_page_shows_candidates_with_reasons_and_buttons(llr, client_for, alice):
    case = CaseFactory(area=llr, child_nhs_number="9990000018", reference="LLR-2026-0001")
    notification = NotificationFactory(area=llr, child_nhs_number="9990000018")

    page = client_for(alice).get(notification.get_absolute_url())

    assert "Certain: same NHS number" in page.text
    assert "Same NHS number" in page.text
    assert case.reference in page.text
    assert "Add to this case" in page.text
    assert "Open a case" in page.text
    assert f"/staff/transfers/{notification.reference}/" in page.text
    assert f"/staff/notifications/{notification.reference}/residence/" in page.text
    assert "Change where the child lived" in page.text


def test_the_notification_page_lists_its_jar_tasks_with_overdue_flags(llr, client_for, alice):
    notification = NotificationFactory(area=llr, jar_required=True)
    Task.objects.create(
        area=llr,
        notification=notification,
        title="Hold the JAR strategy discussion",
        rule="jar",
        due_at=timezone.now() - datetime.timedelta(hours=2),
    )
    Task.objects.create(
        area=llr,
        notification=notification,
        title="Home visit",
        rule="jar",
        due_at=timezone.now() + datetime.timedelta(days=1),
    )

    page = client_for(alice).get(notification.get_absolute_url())

    assert "Joint Agency Response tasks" in page.text
    assert "Hold the JAR strategy discussion" in page.text
    assert page.text.count(">Overdue<") == 1


def test_kim_the_key_worker_does_not_see_the_notification_queue(llr, client_for, kim):
    notification = NotificationFactory(area=llr, child_nhs_number="9990000018")

    assert client_for(kim).get(notification.get_absolute_url()).status_code == 404
    assert client_for(kim).get("/staff/notifications/").status_code == 404


def test_kim_reads_the_notification_of_her_case_but_is_offered_no_action(llr, client_for, kim):
    case = CaseFactory(area=llr, child_nhs_number="9990000018", key_worker=kim)
    notification = NotificationFactory(
        area=llr,
        child_nhs_number="9990000018",
        case=case,
        status=Notification.Status.CASE_OPENED,
    )

    page = client_for(kim).get(notification.get_absolute_url())

    assert page.status_code == 200
    assert "Add to this case" not in page.text
    assert "Open a case" not in page.text
    assert "Change where the child lived" not in page.text


@pytest.mark.parametrize("persona", ["pat", "olu"])
def test_panel_members_and_other_areas_get_404(llr, client_for, persona, request):
    notification = NotificationFactory(area=llr)
    client = client_for(request.getfixturevalue(persona))

    assert client.get(notification.get_absolute_url()).status_code == 404
    assert client.get(f"/staff/transfers/{notification.reference}/").status_code == 404


def test_the_queue_is_in_pages_of_fifty_oldest_first_keeping_the_status(llr, client_for, alice):
    first = at(2026, 11, 1, 9, 0)
    for i in range(55):
        NotificationFactory(
            area=llr,
            reference=f"N-2026-{i:05d}",
            received_at=first + datetime.timedelta(hours=i),
        )
    client = client_for(alice)

    one = client.get("/staff/notifications/")
    two = client.get("/staff/notifications/?status=new&page=2")

    assert one.status_code == 200
    assert "55 notifications, 1 to 50 shown" in one.text
    assert "N-2026-00000" in one.text
    assert "N-2026-00049" in one.text
    assert "N-2026-00050" not in one.text
    assert 'href="?page=2" rel="next"' in one.text
    assert page_of(one.text) == (1, 2)
    assert "55 notifications, 51 to 55 shown" in two.text
    assert "N-2026-00050" in two.text
    assert "N-2026-00054" in two.text
    assert "N-2026-00049" not in two.text
    assert 'href="?status=new&amp;page=1" rel="prev"' in two.text


def test_a_queue_page_that_is_not_a_page_shows_the_first_or_the_last(llr, client_for, alice):
    for i in range(51):
        NotificationFactory(area=llr, reference=f"N-2026-{i:05d}")
    client = client_for(alice)

    words = client.get("/staff/notifications/?page=abc")
    past = client.get("/staff/notifications/?page=99")

    assert words.status_code == 200
    assert "1 to 50 shown" in words.text
    assert past.status_code == 200
    assert "51 to 51 shown" in past.text


def test_a_status_not_on_the_list_is_marked_and_the_new_notifications_are_listed(
    llr, client_for, alice
):
    new = NotificationFactory(area=llr, reference="N-2026-00001")

    response = client_for(alice).get("/staff/notifications/?status=bogus")

    assert response.status_code == 200
    assert "<title>Error: Notifications" in response.text
    assert "Choose a status from the list" in response.text
    assert 'id="id_status-error" class="govuk-error-message"' in response.text
    assert error_summary_targets(response.text) == ["id_status"]
    assert new.reference in response.text


def test_a_status_on_the_list_is_not_marked(llr, client_for, alice):
    response = client_for(alice).get("/staff/notifications/?status=transferred")

    assert response.status_code == 200
    assert "govuk-error-summary" not in response.text
    assert "<strong>Transferred to another panel</strong>" in response.text


def test_a_queue_page_asks_the_same_number_of_queries_however_long(llr, client_for, alice):
    client = client_for(alice)
    NotificationFactory(area=llr)
    client.get("/staff/notifications/")

    with CaptureQueriesContext(connection) as one:
        client.get("/staff/notifications/")
    for _ in range(60):
        NotificationFactory(area=llr)
    with CaptureQueriesContext(connection) as full:
        client.get("/staff/notifications/")

    assert len(full) == len(one)


def _references(page) -> list[str]:
    return re.findall(r'href="/staff/notifications/([^/"]+)/"', page.text)


def test_a_queue_page_lists_its_rows_in_order_ties_by_id_and_other_statuses_newest_first(
    llr, client_for, alice
):
    """The page's ids come off the index, its rows by id: the order is still the queue's
    (new: oldest first; the rest: newest first; the same time: by id either way)."""
    first = at(2026, 11, 1, 9, 0)
    new = [
        NotificationFactory(area=llr, received_at=first + datetime.timedelta(hours=i // 2))
        for i in range(54)
    ]
    opened = [
        NotificationFactory(
            area=llr,
            status=Notification.Status.CASE_OPENED,
            received_at=first + datetime.timedelta(hours=i),
        )
        for i in range(3)
    ]
    client = client_for(alice)

    one = client.get("/staff/notifications/")
    two = client.get("/staff/notifications/?page=2")
    others = client.get("/staff/notifications/?status=case_opened")

    assert _references(one) == [n.reference for n in new[:50]]
    assert _references(two) == [n.reference for n in new[50:]]
    assert _references(others) == [n.reference for n in reversed(opened)]


def test_the_queue_escapes_every_value_of_its_rows(llr, client_for, alice):
    NotificationFactory(
        area=llr,
        child_first_name="<script>alert(1)</script>",
        child_last_name="O'Neil & Sons",
        notifier_organisation='"Trust" <b>',
    )

    text = client_for(alice).get("/staff/notifications/").text

    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; O&#x27;Neil &amp; Sons" in text
    assert "&quot;Trust&quot; &lt;b&gt;" in text


def test_an_empty_queue_says_so(llr, client_for, alice):
    text = client_for(alice).get("/staff/notifications/").text

    assert "There are no notifications here." in text
    assert "0 notifications" in text


def test_the_queue_names_the_area_the_child_lived_in_without_an_authority_code(
    llr, other_area, client_for, alice
):
    NotificationFactory(
        area=llr,
        residence_status=ResidenceStatus.OTHER_AREA,
        residence_upper_code="",
        residence_lower_code="",
        residence_area=other_area,
    )

    text = client_for(alice).get("/staff/notifications/").text

    assert "Other area: Demo Shire" in text


def test_the_notification_page_says_unexpected_and_that_a_jar_is_needed_without_a_stray_space(
    llr, client_for, alice
):
    notification = NotificationFactory(area=llr, jar_required=True)

    page = client_for(alice).get(f"/staff/notifications/{notification.reference}/").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))

    assert "Unexpected: a Joint Agency Response is needed" in page
    assert "Unexpected :" not in text


def test_the_notification_page_gives_no_reason_for_urgent_attention_when_none_was_asked_for(
    llr, client_for, alice
):
    notification = NotificationFactory(area=llr, ncmd_alert=False, ncmd_alert_reason="")

    page = client_for(alice).get(f"/staff/notifications/{notification.reference}/").text

    assert "Does this death need the National Child Mortality Database" in page
    assert "Why does it need urgent attention?" not in page


def test_the_notification_page_gives_the_reason_for_urgent_attention_when_asked_for(
    llr, client_for, alice
):
    notification = NotificationFactory(
        area=llr, ncmd_alert=True, ncmd_alert_reason="A possible cluster of sudden deaths"
    )

    page = client_for(alice).get(f"/staff/notifications/{notification.reference}/").text

    assert "Why does it need urgent attention?" in page
    assert "A possible cluster of sudden deaths" in page


# --- The queue's duplicate hints, kept per area (duplicate_best_bands_kept) ---------------
# Each write is committed (committed()): a test's own transaction never commits, and until a
# write commits its transaction counts afresh and keeps nothing (cdop.core.kept).


def test_a_case_opened_or_changed_shows_in_the_queue_hints_at_once(llr, client_for, alice):
    with committed():
        NotificationFactory(area=llr, child_nhs_number="9990000042")
    client = client_for(alice)
    assert "Possible duplicate" not in client.get("/staff/notifications/").text  # now kept

    with committed():
        case = CaseFactory(area=llr, child_nhs_number="9990000042")
    assert client.get("/staff/notifications/").text.count("Possible duplicate") == 1

    with committed():
        case.child_nhs_number = "9990000050"  # corrected: not the same child after all
        case.save()
    assert "Possible duplicate" not in client.get("/staff/notifications/").text


def test_a_notification_sent_through_the_form_shows_in_the_queue_hints_at_once(
    llr, client_for, alice
):
    """The public form saves with bulk_create, which sends no signal: its service forgets
    the area's kept hints itself (kept_forget_area)."""
    with committed():
        NotificationFactory(area=llr, child_nhs_number="9990000042")
    client = client_for(alice)
    assert "Possible duplicate" not in client.get("/staff/notifications/").text

    details = dataclasses.replace(synthetic_details(1), child_nhs_number="9990000042")
    with committed():
        notification_submit(area=llr, submission_token=uuid.uuid4(), details=details)
    assert client.get("/staff/notifications/").text.count("Possible duplicate") == 2


def test_another_areas_writes_leave_this_areas_hints_kept(llr, other_area, client_for, alice):
    with committed():
        NotificationFactory(area=llr, child_nhs_number="9990000042")
    client = client_for(alice)
    client.get("/staff/notifications/")
    with committed():
        CaseFactory(area=other_area, child_nhs_number="9990000042")

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/staff/notifications/")

    assert "Possible duplicate" not in page.text  # a case elsewhere is not this area's
    assert not [q for q in queries if "cases_case" in q["sql"]]  # the hints came from the cache
