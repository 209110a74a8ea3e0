"""Unfinished notifications: kept for a day in this browser, by a cookie of their own, so a
professional called away can come back to them; then deleted."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cdop.core.models import RateLimitCounter
from cdop.notifications.models import Notification, NotificationDraft
from cdop.notifications.public_views import DRAFT_COOKIE
from cdop.notifications.services import notification_drafts_delete_expired
from cdop.notifications.tasks import notification_drafts_clean_up
from cdop.notifications.tests.test_notify_form import fill, page_answers, page_url, send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def only_the_draft_cookie(client: Client) -> Client:
    """A new browser session (the session cookie ends with the browser) keeping only the
    draft's cookie, which lasts a day."""
    fresh = Client()
    fresh.cookies[DRAFT_COOKIE] = client.cookies[DRAFT_COOKIE].value
    return fresh


def test_the_first_page_answered_opens_a_draft_with_a_cookie_of_its_own(llr):
    client = Client()

    response = client.post(page_url("child"), page_answers()["child"])

    cookie = response.cookies[DRAFT_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert 86_390 <= int(cookie["max-age"]) <= 86_400
    assert cookie["path"] == "/"
    draft = NotificationDraft.objects.get()
    assert draft.area == llr
    assert draft.data["child"]["child_first_name"] == "Amelia"
    assert "website" not in draft.data["child"]
    # Only a hash of the key is stored: the table alone opens nobody's answers.
    assert draft.key_hash == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert cookie.value not in draft.key_hash
    expected_expiry = timezone.now() + datetime.timedelta(days=1)
    assert abs((draft.expires_at - expected_expiry).total_seconds()) < 60


def test_the_draft_cookie_is_secure_in_production(llr, settings):
    settings.SESSION_COOKIE_SECURE = True

    response = Client().post(page_url("child"), page_answers()["child"])

    assert response.cookies[DRAFT_COOKIE]["secure"]


def test_later_pages_add_to_the_same_draft(llr):
    client = Client()

    fill(client, upto="family")

    draft = NotificationDraft.objects.get()
    assert sorted(draft.data) == ["child", "death", "family"]


def test_an_unfinished_form_is_resumed_after_the_browser_was_closed(llr):
    client = Client()
    fill(client, upto="death", circumstances="Words typed before lunch")
    resumed = only_the_draft_cookie(client)

    start = resumed.get("/llr/notify/")
    death = resumed.get(page_url("death"))

    assert "Carry on with your notification" in start.text
    assert 'href="/llr/notify/family/"' in start.text
    assert "Start again" in start.text
    assert "Words typed before lunch</textarea>" in death.text
    for page in ("family", "professionals", "you"):
        resumed.post(page_url(page), page_answers()[page])
    send(resumed)
    assert Notification.objects.get().circumstances == "Words typed before lunch"


def test_another_browser_without_the_cookie_sees_none_of_the_answers(llr):
    fill(Client(), upto="child", child_first_name="Privately")

    other = Client()

    assert "Carry on" not in other.get("/llr/notify/").text
    assert "Privately" not in other.get(page_url("child")).text


def test_an_expired_draft_cannot_be_resumed_and_is_deleted(llr):
    client = Client()
    fill(client, upto="child", child_first_name="Yesterday")
    NotificationDraft.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    resumed = only_the_draft_cookie(client)

    start = resumed.get("/llr/notify/")
    child = resumed.get(page_url("child"))

    assert "Carry on" not in start.text
    assert "Yesterday" not in child.text
    assert not NotificationDraft.objects.exists()


def test_answering_after_the_draft_expired_starts_a_new_one(llr):
    client = Client()
    fill(client, upto="child")
    NotificationDraft.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    client.post(page_url("death"), page_answers()["death"])

    draft = NotificationDraft.objects.get()
    assert list(draft.data) == ["death"]


def test_start_again_deletes_the_draft_and_its_cookie(llr):
    client = Client()
    fill(client, upto="death")

    response = client.post("/llr/notify/start-again/")

    assert response["Location"] == "/llr/notify/"
    assert response.cookies[DRAFT_COOKIE]["max-age"] == 0
    assert not NotificationDraft.objects.exists()
    assert "Start now" in client.get("/llr/notify/").text


def test_start_again_is_a_post_only(llr):
    client = Client()
    fill(client, upto="child")

    assert client.get("/llr/notify/start-again/").status_code == 405
    assert NotificationDraft.objects.count() == 1


def test_a_draft_of_one_area_is_not_opened_in_another(llr, other_area):
    client = Client()
    fill(client, upto="child", child_first_name="Llronly")

    page = client.get(f"/{other_area.slug}/notify/child/")

    assert "Llronly" not in page.text


def test_expired_drafts_are_cleaned_up_by_the_task_and_when_a_new_one_starts(llr):
    fill(Client(), upto="child")
    fill(Client(), upto="child")
    NotificationDraft.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    fill(Client(), upto="child")  # starting a draft clears the expired ones

    assert NotificationDraft.objects.count() == 1
    NotificationDraft.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    notification_drafts_clean_up.enqueue()
    assert not NotificationDraft.objects.exists()
    assert notification_drafts_delete_expired() == 0


def test_sending_the_notification_deletes_the_draft_and_its_cookie(llr):
    client = Client()
    fill(client)

    response = send(client)

    assert response.cookies[DRAFT_COOKIE]["max-age"] == 0
    assert not NotificationDraft.objects.exists()


def test_the_clean_up_command_deletes_expired_drafts_and_finished_rate_limit_counters(llr):
    fill(Client(), upto="child")  # one draft, one count towards the form's limit
    fill(Client(), upto="child")
    NotificationDraft.objects.filter(pk=NotificationDraft.objects.first().pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    counter = RateLimitCounter.objects.get()
    out = io.StringIO()

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        call_command("public_form_clean_up", stdout=out)

    assert NotificationDraft.objects.count() == 1
    assert not RateLimitCounter.objects.filter(pk=counter.pk).exists()
    assert "Deleted 1 expired draft notification(s) and 1 finished" in out.getvalue()
