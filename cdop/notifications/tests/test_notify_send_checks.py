"""Sending trusts each page as its form cleaned it when saved, and re-checks only the rules
that span pages; a draft from before cleaned answers were kept still sends."""

from __future__ import annotations

import types

import pytest
from django.test import Client

from cdop.notifications.models import Notification, NotificationDraft
from cdop.notifications.tests.test_notify_form import fill

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def send_from_check_page(client: Client):
    check = client.get("/llr/notify/check/")
    return client.post(
        "/llr/notify/check/", {"submission_token": str(check.context["submission_token"])}
    )


def test_each_saved_page_keeps_its_cleaned_answers(llr):
    client = Client()
    fill(client)

    draft = NotificationDraft.objects.get()
    assert set(draft.cleaned) == set(draft.data)
    assert draft.cleaned["child"]["child_date_of_birth"] == str(
        draft.cleaned["child"]["child_date_of_birth"]
    )  # stored as ISO text


def test_the_notification_stores_the_cleaned_answers(llr):
    client = Client()
    fill(client)
    draft = NotificationDraft.objects.get()

    response = send_from_check_page(client)

    assert response.status_code == 302
    notification = Notification.objects.get()
    saved = draft.cleaned
    assert notification.child_date_of_birth.isoformat() == saved["child"]["child_date_of_birth"]
    assert notification.date_of_death.isoformat() == saved["death"]["date_of_death"]
    assert notification.child_nhs_number == saved["child"]["child_nhs_number"]


def test_a_draft_saved_before_cleaned_answers_were_kept_still_sends(llr):
    client = Client()
    fill(client)
    NotificationDraft.objects.update(cleaned={})

    response = send_from_check_page(client)

    assert response.status_code == 302
    assert Notification.objects.count() == 1


def test_dates_that_disagree_across_pages_send_the_person_back_and_store_nothing(llr):
    client = Client()
    fill(client)
    draft = NotificationDraft.objects.get()
    died = draft.cleaned["death"]["date_of_death"]
    # As if the child's page had been saved with a birth after the death.
    draft.cleaned = {
        **draft.cleaned,
        "child": {**draft.cleaned["child"], "child_date_of_birth": died},
    }
    draft.cleaned["death"] = {**draft.cleaned["death"], "date_of_death": "2020-01-01"}
    draft.save(update_fields=["cleaned"])

    response = client.post("/llr/notify/check/", {"submission_token": str(draft.submission_token)})

    # The death is now before the birth: back to the death's page to correct it.
    assert response.status_code == 302
    assert response["Location"] == "/llr/notify/death/?return=check"
    assert not Notification.objects.exists()


def test_sending_creates_no_session_and_a_second_click_keeps_the_copy(llr):
    from django.contrib.sessions.models import Session

    client = Client()
    fill(client)
    check = client.get("/llr/notify/check/")
    token = {"submission_token": str(check.context["submission_token"])}

    client.post("/llr/notify/check/", token)
    client.post("/llr/notify/check/", token)  # the second click finds the draft gone

    assert not Session.objects.exists()  # the confirmation travels in a signed cookie
    done = client.get("/llr/notify/sent/")
    assert Notification.objects.get().reference in done.text
    copy = client.get("/llr/notify/sent/copy/")
    assert copy.status_code == 200
    assert copy.content.startswith(b"%PDF")


def test_a_forged_confirmation_cookie_shows_nothing(llr):
    client = Client()
    client.cookies["cdop_notified"] = "NTF-AAAA-BBBB|1"

    response = client.get("/llr/notify/sent/")

    assert response.status_code == 302
    assert response["Location"] == "/llr/notify/"


def test_one_email_failing_does_not_stop_the_other(llr, alice, monkeypatch):
    from django.core import mail

    from cdop.core.tests.factories import NotificationFactory
    from cdop.notifications import tasks

    notification = NotificationFactory(area=llr)

    def broken(**_: object) -> None:
        raise OSError("mail server down")

    broken_alert = types.SimpleNamespace(name="notification_alert_team", call=broken)
    monkeypatch.setattr(tasks, "notification_alert_team", broken_alert)

    with pytest.raises(OSError, match="mail server down"):
        tasks.notification_acknowledge.call(notification_id=notification.pk)
    assert [m.to for m in mail.outbox] == [[notification.notifier_email]]
