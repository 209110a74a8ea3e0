"""Transferring a notification to a panel outside this service: the pack and its link."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client

from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.tests.factories import NotificationFactory
from cdop.notifications.models import Notification
from cdop.transfers.models import PackDownload, TransferRecord
from cdop.transfers.services import token_hash

pytestmark = pytest.mark.django_db

PANEL = {
    "panel_name": "Synthetic Shire Child Death Overview Panel",
    "panel_email": "cdop@synthetic-shire.invalid",
    "reason": "The child lived in Synthetic Shire",
}


def outside_url(notification: Notification) -> str:
    return f"/staff/transfers/{notification.reference}/outside/"


def link_from(email: mail.EmailMessage) -> str:
    match = re.search(r"http://[^/\s]+(/transfer-pack/[\w-]+/)", email.body)
    assert match
    return match.group(1)


@pytest.fixture
def sent(llr, client_for, alice, empty_cache):
    notification = NotificationFactory(area=llr, child_last_name="Packchild")
    response = client_for(alice).post(outside_url(notification), PANEL, follow=True)
    assert response.status_code == 200
    notification.refresh_from_db()
    return notification, link_from(mail.outbox[-1]), response


def test_alice_sends_a_pack_and_the_panel_is_emailed_a_link(sent, alice):
    notification, link, response = sent

    assert notification.status == Notification.Status.TRANSFERRED
    assert notification.dealt_with_by == alice
    record = TransferRecord.objects.get()
    assert (record.kind, record.panel_name, record.by) == (
        TransferRecord.Kind.OUTSIDE,
        PANEL["panel_name"],
        alice,
    )
    token = link.split("/")[2]
    assert len(token) >= 43
    assert record.token_hash == token_hash(token)
    assert token not in str(TransferRecord.objects.values_list())
    assert record.expires_at - record.link_sent_at == datetime.timedelta(days=14)
    [email] = mail.outbox
    assert email.to == [PANEL["panel_email"]]
    assert "Packchild" not in email.body
    assert "A link to the transfer pack was emailed" in response.text
    assert "Waiting to be downloaded" in response.text
    assert LogEntry.objects.get_for_object(notification).filter(actor=alice).exists()


def test_the_link_works_once_and_gives_an_official_sensitive_pdf(sent):
    notification, link, _ = sent
    panel = Client()

    page = panel.get(link)
    assert page.status_code == 200
    assert "Download the transfer pack" in page.text
    assert TransferRecord.objects.get().downloaded_at is None  # looking does not use it

    pdf = panel.post(link)

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f"transfer-pack-{notification.reference}.pdf" in pdf["Content-Disposition"]
    record = TransferRecord.objects.get()
    assert record.downloaded_at is not None
    assert PackDownload.objects.get().outcome == PackDownload.Outcome.DOWNLOADED

    again = panel.post(link)
    assert again.status_code == 404
    assert "This link does not work" in again.text
    assert panel.get(link).status_code == 404
    outcomes = list(PackDownload.objects.values_list("outcome", flat=True))
    assert outcomes == ["downloaded", "used", "used"]
    assert LogEntry.objects.filter(object_repr__startswith="Link already used").exists()


def test_the_pack_holds_the_answers(sent):
    from cdop.transfers.pdf import notification_answers

    notification, _, _ = sent
    answers = dict(notification_answers(notification))
    assert ("Last name", "Packchild") in answers["The child"]


def test_the_pack_gives_the_nhs_number_spaced_as_the_staff_pages_do(sent):
    from cdop.transfers.pdf import notification_answers

    notification, _, _ = sent
    answers = dict(notification_answers(notification))

    assert ("NHS number", "999 000 0018") in answers["The child"]


def test_the_link_expires(sent):
    _, link, _ = sent
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=14, minutes=1)

    with time_machine.travel(later):
        response = Client().post(link)

    assert response.status_code == 404
    assert "ask them to send a new one" in response.text
    assert PackDownload.objects.get().outcome == PackDownload.Outcome.EXPIRED
    assert TransferRecord.objects.get().downloaded_at is None


def test_a_wrong_token_looks_the_same_as_a_used_one(sent):
    wrong = "/transfer-pack/" + "x" * 43 + "/"

    response = Client().get(wrong)

    assert response.status_code == 404
    assert "This link does not work" in response.text
    attempt = PackDownload.objects.get()
    assert (attempt.outcome, attempt.transfer) == (PackDownload.Outcome.UNKNOWN, None)
    assert attempt.ip_address == "127.0.0.1"


def test_a_withdrawn_link_stops_working_and_a_new_link_works(sent, client_for, alice):
    notification, link, _ = sent
    record = TransferRecord.objects.get()
    staff = client_for(alice)

    page = staff.post(f"/staff/transfers/link/{record.pk}/revoke/", follow=True)
    assert "The link is withdrawn" in page.text
    assert Client().post(link).status_code == 404
    assert PackDownload.objects.get().outcome == PackDownload.Outcome.REVOKED

    staff.post(f"/staff/transfers/link/{record.pk}/renew/")
    new_link = link_from(mail.outbox[-1])
    assert new_link != link
    assert Client().post(link).status_code == 404
    assert Client().post(new_link).content.startswith(b"%PDF")
    page = staff.get(notification.get_absolute_url())
    assert "Downloaded" in page.text


@pytest.mark.usefixtures("one_rate_window")
def test_the_download_is_rate_limited_per_address(sent, settings):
    settings.TRANSFER_DOWNLOAD_RATE_LIMIT = "3/h"
    panel = Client()
    wrong = "/transfer-pack/" + "y" * 43 + "/"

    statuses = [panel.get(wrong).status_code for _ in range(4)]

    assert statuses == [404, 404, 404, 429]


def test_a_case_opened_for_it_is_closed_as_transferred(llr, client_for, alice, empty_cache):
    notification = NotificationFactory(area=llr)
    client = client_for(alice)
    client.post(f"/staff/notifications/{notification.reference}/open-case/")
    case = Case.objects.get()

    client.post(outside_url(notification), PANEL)

    case.refresh_from_db()
    assert case.status == Status.TRANSFERRED
    closing = case.transitions.get(name="case_transfer")
    assert closing.by == alice
    assert PANEL["panel_name"] in closing.reason
    assert "by Alice Manager" in closing.reason
    notification.refresh_from_db()
    assert notification.status == Notification.Status.TRANSFERRED


def test_panel_details_are_needed(llr, client_for, alice):
    notification = NotificationFactory(area=llr)

    page = client_for(alice).post(outside_url(notification), {"panel_email": "not-an-address"})

    assert page.status_code == 400
    assert "Enter the name of the receiving panel" in page.text
    assert "Enter an email address in the correct format" in page.text
    assert not TransferRecord.objects.exists()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.NEW


def test_a_notification_added_to_a_case_is_not_transferred_alone(llr, client_for, alice):
    notification = NotificationFactory(area=llr, status=Notification.Status.ADDED_TO_CASE)

    page = client_for(alice).post(outside_url(notification), PANEL)

    assert page.status_code == 400
    assert "transfer the case instead" in page.text


def test_kim_cannot_send_or_withdraw(sent, client_for, kim):
    record = TransferRecord.objects.get()
    client = client_for(kim)

    response = client.post(f"/staff/transfers/link/{record.pk}/revoke/")

    assert response.status_code == 404
    assert TransferRecord.objects.get().revoked_at is None


@pytest.mark.parametrize("persona", ["pat", "olu"])
def test_others_get_404(sent, client_for, request, persona):
    record = TransferRecord.objects.get()
    client = client_for(request.getfixturevalue(persona))

    assert client.post(f"/staff/transfers/link/{record.pk}/revoke/").status_code == 404
    assert client.post(f"/staff/transfers/link/{record.pk}/renew/").status_code == 404
