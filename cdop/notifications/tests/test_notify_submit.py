"""Sending a notification: one notification however often it is sent, the team alerted, the
notifier told the reference without personal details, JAR tasks for an unexpected death, and
one PDF copy for the person who sent it."""

from __future__ import annotations

import datetime
import sys
import types
import uuid
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cdop.areas.models import Area
from cdop.cases.models import Task
from cdop.core.models import RateLimitCounter
from cdop.core.tests.factories import NotificationFactory
from cdop.notifications import jar
from cdop.notifications.forms import PAGES
from cdop.notifications.models import Notification, NotificationDraft
from cdop.notifications.services import (
    NotificationDetails,
    notification_hours_since_death,
    notification_submit,
)
from cdop.notifications.tests.test_notify_form import fill, notify, page_answers, send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

SECRETS = ("Zebedee", "Quixote", "9990000018", "999 000 0018", "LE1 5WW", "unresponsive")


def test_a_double_submit_stores_one_notification_and_shows_the_same_reference(
    llr, alice, django_capture_on_commit_callbacks
):
    client = Client()
    fill(client)
    check = client.get("/llr/notify/check/")
    token = {"submission_token": str(check.context["submission_token"])}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/llr/notify/check/", token)
        second = client.post("/llr/notify/check/", token)  # the second click, or a retry

    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/llr/notify/sent/"
    notification = Notification.objects.get()
    assert notification.reference in client.get("/llr/notify/sent/").text
    assert len([m for m in mail.outbox if alice.email in m.to]) == 1  # the team alerted once


def test_a_resubmit_from_another_browser_with_the_same_token_shows_the_same_reference(llr):
    client = notify()
    token = str(Notification.objects.get().submission_token)
    other = Client()

    response = other.post("/llr/notify/check/", {"submission_token": token})

    assert response["Location"] == "/llr/notify/sent/"
    done = other.get("/llr/notify/sent/")
    assert Notification.objects.get().reference in done.text
    assert "Download a copy" not in done.text  # the copy is for the session that sent it
    assert Notification.objects.count() == 1
    assert client.get("/llr/notify/sent/").status_code == 200


def test_sending_without_answers_or_with_an_unknown_token_stores_nothing(llr):
    for token in (str(uuid.uuid4()), "not-a-uuid"):
        response = Client().post("/llr/notify/check/", {"submission_token": token})
        assert response["Location"] == "/llr/notify/"
    assert not Notification.objects.exists()


def test_the_submit_service_is_idempotent_on_its_token(llr):
    token = uuid.uuid4()
    details = NotificationDetails(
        child_first_name="Api",
        child_last_name="Synthetic",
        child_date_of_birth=datetime.date(2024, 1, 1),
        child_sex="male",
        child_nhs_number="",
        child_postcode="",
        date_of_death=datetime.date(2025, 1, 1),
        expectedness="expected",
        circumstances="Synthetic",
        notifier_name="N",
        notifier_role="R",
        notifier_organisation="O",
        notifier_email="n@example.invalid",
        notifier_phone="1",
    )

    first, created = notification_submit(area=llr, submission_token=token, details=details)
    again, created_again = notification_submit(area=llr, submission_token=token, details=details)

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert first.child_ethnicity == "not_known"  # the new answers default when left out
    assert first.api_client is None


def test_the_team_is_alerted_by_email_without_any_personal_details(
    llr, alice, ada, devi, kim, olu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(child_first_name="Zebedee", child_last_name="Quixote")

    notification = Notification.objects.get()
    alerts = [m for m in mail.outbox if "New child death notification" in m.subject]
    assert len(alerts) == 1
    assert sorted(alerts[0].to) == [ada.email, alice.email]  # managers and administrators only
    assert f"/staff/notifications/{notification.reference}/" in alerts[0].body
    for secret in SECRETS:
        assert secret not in alerts[0].body + alerts[0].subject


def test_the_notifier_is_sent_the_reference_without_any_personal_details(
    llr, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(child_first_name="Zebedee", child_last_name="Quixote")

    notification = Notification.objects.get()
    assert len(mail.outbox) == 1  # no managers in this test: only the notifier's email
    email = mail.outbox[0]
    assert email.to == ["sam.notifier@example.invalid"]
    assert notification.reference in email.subject
    assert notification.reference in email.body
    assert "/llr/contact/" in email.body
    dates = [
        notification.child_date_of_birth,
        notification.date_of_death,
    ]
    for secret in (
        *SECRETS,
        "Synthetic Street",
        "Millie",
        "14:30",
        *(f"{d.day} {d:%B %Y}" for d in dates),
        *(d.isoformat() for d in dates),
    ):
        assert secret not in email.body + email.subject, secret


def test_a_deactivated_manager_is_not_alerted(llr, alice, ada, django_capture_on_commit_callbacks):
    alice.is_active = False
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify()

    alerts = [m for m in mail.outbox if "New child death notification" in m.subject]
    assert alerts[0].to == [ada.email]


def test_an_unexpected_death_needs_a_jar_and_gets_its_tasks_with_due_dates(llr):
    notify(expectedness="unexpected")

    notification = Notification.objects.get()
    assert notification.jar_required
    tasks = Task.objects.filter(rule="jar").order_by("pk")
    assert [t.title for t in tasks] == [rule.title for rule in jar.DEFAULT_JAR_RULES]
    first = tasks[0]
    assert first.title == "Hold the initial JAR strategy discussion"
    assert first.due_at == notification.received_at + datetime.timedelta(hours=24)
    assert first.assigned_role == "cdr_manager"
    assert all(t.notification == notification and t.area == llr for t in tasks)
    assert all(t.case is None for t in tasks)


@pytest.mark.parametrize("expectedness", ["expected", "not_known"])
def test_an_expected_or_not_yet_known_death_gets_no_jar_tasks(llr, expectedness):
    notify(expectedness=expectedness)

    assert not Notification.objects.get().jar_required
    assert not Task.objects.exists()


def test_the_jar_rules_are_configurable(llr, settings):
    settings.JAR_TASK_RULES = [
        jar.JarRule(
            title="Call the police",
            detail="",
            due_after=datetime.timedelta(hours=2),
            assigned_role="cdr_manager",
        )
    ]

    notify()

    assert list(Task.objects.values_list("title", "rule")) == [("Call the police", "jar")]


def test_residence_is_left_unknown_for_a_person_until_the_lookup_exists(llr, monkeypatch):
    monkeypatch.setitem(sys.modules, "cdop.areas.residence", None)  # import fails

    notify()

    notification = Notification.objects.get()
    assert notification.residence_status == "unknown"
    assert notification.residence_area is None


@dataclass
class _Decision:
    status: str
    lower_code: str
    upper_code: str
    area: Area | None
    authority_name: str = "Leicester"
    explanation: str = "From the postcode"


def test_residence_is_decided_from_the_postcode_and_stored(llr, monkeypatch):
    asked = []

    def residence_decide(*, postcode: str, home_area: Area) -> _Decision:
        asked.append((postcode, home_area))
        return _Decision("this_area", "E06000016", "E06000016", home_area)

    module = types.ModuleType("cdop.areas.residence")
    module.residence_decide = residence_decide  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cdop.areas.residence", module)

    notify(child_postcode="le15ww")

    notification = Notification.objects.get()
    assert asked == [("LE1 5WW", llr)]
    assert (notification.residence_status, notification.residence_lower_code) == (
        "this_area",
        "E06000016",
    )
    assert notification.residence_area == llr


def test_a_failing_residence_lookup_does_not_stop_the_notification(llr, monkeypatch):
    def residence_decide(**kwargs: object) -> _Decision:
        raise RuntimeError("lookup broken")

    module = types.ModuleType("cdop.areas.residence")
    module.residence_decide = residence_decide  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cdop.areas.residence", module)

    notify()

    assert Notification.objects.get().residence_status == "unknown"


# --- The PDF copy --------------------------------------------------------------------------


def test_the_pdf_copy_downloads_once_then_says_it_has_been_used(llr):
    client = notify(circumstances='<script>alert("x")</script>')
    done = client.get("/llr/notify/sent/")
    assert 'href="/llr/notify/sent/copy/"' in done.text

    first = client.get("/llr/notify/sent/copy/")
    second = client.get("/llr/notify/sent/copy/")

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert "attachment" in first["Content-Disposition"]
    assert "no-store" in first["Cache-Control"]
    notification = Notification.objects.get()
    assert notification.copy_downloaded_at is not None
    assert second.status_code == 410
    assert "already been downloaded" in second.text
    again = client.get("/llr/notify/sent/")
    assert 'href="/llr/notify/sent/copy/"' not in again.text
    assert "has been downloaded" in again.text


def test_the_pdf_copy_is_only_for_the_session_that_sent_it(llr):
    notify()

    assert Client().get("/llr/notify/sent/copy/").status_code == 404
    assert Notification.objects.get().copy_downloaded_at is None


def test_the_pdf_shows_the_same_answers_with_markup_as_text(llr):
    from cdop.notifications.pdf import notification_pdf

    notify(circumstances="<b>bold</b>", child_first_name="Zebedee")
    notification = Notification.objects.get()
    captured: dict[str, str] = {}

    import weasyprint

    original = weasyprint.HTML

    def spy(*, string: str, **kwargs: object) -> object:
        captured["html"] = string
        return original(string=string, **kwargs)

    weasyprint.HTML = spy  # type: ignore[misc]
    try:
        assert notification_pdf(notification).startswith(b"%PDF")
    finally:
        weasyprint.HTML = original  # type: ignore[misc]

    html = captured["html"]
    assert notification.reference in html
    assert "Zebedee" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html
    assert "govuk-summary-list" in html  # the check-your-answers summary
    assert "Change" not in html
    assert "Time from death to notification" not in html


# --- Time to notification --------------------------------------------------------------------


def test_hours_since_death_use_the_time_of_death_when_given():
    at = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    notification = NotificationFactory.build(
        date_of_death=datetime.date(2026, 3, 1), time_of_death=datetime.time(22, 0), received_at=at
    )

    assert notification_hours_since_death(notification) == 12.0


def test_hours_since_death_count_from_midday_when_the_time_is_not_known():
    at = timezone.make_aware(datetime.datetime(2026, 3, 2, 18, 0))
    notification = NotificationFactory.build(
        date_of_death=datetime.date(2026, 3, 1), time_of_death=None, received_at=at
    )

    assert notification_hours_since_death(notification) == 30.0


def test_the_answers_summary_shows_the_time_to_notification_to_staff_only(llr):
    from django.template.loader import render_to_string

    from cdop.notifications.forms import notification_answers_context

    notify()
    notification = Notification.objects.get()

    for_staff = render_to_string(
        "notifications/_answers.html",
        notification_answers_context(notification, for_staff=True),
    )
    for_public = render_to_string(
        "notifications/_answers.html",
        notification_answers_context(notification, for_staff=False),
    )

    assert "Time from death to notification" in for_staff
    assert " hours" in for_staff
    assert "Time from death to notification" not in for_public


def test_page_answers_helper_rejects_a_question_no_page_asks():
    with pytest.raises(StopIteration):
        page_answers(no_such_question="x")


def test_sending_twice_after_the_back_button_sends_one(llr):
    client = Client()
    fill(client)
    send(client)
    back = client.get("/llr/notify/check/")  # the answers went with the notification

    assert back["Location"] == "/llr/notify/"
    assert Notification.objects.count() == 1


@pytest.mark.usefixtures("one_rate_window")
def test_sending_counts_once_towards_the_forms_limit(llr, settings):
    settings.NOTIFY_RATE_LIMIT = "100/10m"
    client = Client()
    fill(client)  # one POST a page
    pages = RateLimitCounter.objects.get().count

    send(client)

    assert RateLimitCounter.objects.get().count == pages + 1
    assert Notification.objects.count() == 1


@pytest.mark.usefixtures("one_rate_window")
def test_a_send_over_the_limit_gets_the_429_page_and_stores_nothing(llr, settings):
    settings.NOTIFY_RATE_LIMIT = "1000/10m"
    client = Client()
    fill(client)
    pages = RateLimitCounter.objects.get().count
    RateLimitCounter.objects.update(count=1000)  # the limit, used up by others at this address

    response = send(client)

    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert not Notification.objects.exists()
    assert NotificationDraft.objects.count() == 1  # the answers are kept to send later
    assert RateLimitCounter.objects.get().count == 1000  # the refused send is not counted
    assert pages == len(PAGES)
