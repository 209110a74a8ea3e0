"""The daily check: a red group emails the area's CDR managers once per window, with
figures and a link only."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cdop.accounts.models import Role, User
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.core.tests.factories import MembershipFactory, UserFactory
from cdop.surveillance.models import SignalAlert
from cdop.surveillance.tests.conftest import LONDON
from cdop.surveillance.tests.factories import cluster, days_ago, death, history

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _check(*args: str) -> str:
    out = StringIO()
    call_command("surveillance_check", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def infant_cluster(llr: Area) -> list[Case]:
    history(llr)
    return cluster(llr, 6)


def test_a_red_group_emails_the_cdr_managers_once(
    alice: User, devi: User, chris: User, llr: Area, infant_cluster: list[Case]
) -> None:
    second = UserFactory(email="bea@llr.invalid", full_name="Bea Manager")
    MembershipFactory(user=second, area=llr, role=Role.CDR_MANAGER)
    gone = UserFactory(email="gone@llr.invalid", is_active=False)
    MembershipFactory(user=gone, area=llr, role=Role.CDR_MANAGER)

    output = _check()
    # The cluster is red as infants and as all deaths (the steady history is all infants).
    assert "unusual groups: 2; alerts sent: 2" in output
    assert len(mail.outbox) == 2
    email = next(m for m in mail.outbox if "Infants" in m.subject)
    assert email.to == ["alice@llr.invalid", "bea@llr.invalid"]
    assert email.subject == (
        f"Child death surveillance: an unusual count in {llr.short_name} (Infants (under 1 year))"
    )
    assert "6 infant deaths in the last 90 days." in email.body
    assert "/staff/surveillance/?area=llr&window=90\n" in email.body
    alert = SignalAlert.objects.get(area=llr, group="infant")
    assert (alert.observed, alert.window_days, alert.window_end) == (6, 90, days_ago(0))
    assert alert.expected == pytest.approx(1.0, abs=0.1)
    assert alert.p_value < 0.01
    assert alert.recipients == 2

    # Again the same day, and the next: nothing more.
    assert "alerts sent: 0" in _check()
    with time_machine.travel(datetime.datetime(2026, 11, 29, 7, 0, tzinfo=LONDON), tick=False):
        assert "alerts sent: 0" in _check()
    assert len(mail.outbox) == 2
    assert SignalAlert.objects.count() == 2


def test_the_dashboard_lists_the_alerts_sent(
    client_for: ClientFor, alice: User, llr: Area, infant_cluster: list[Case]
) -> None:
    page = client_for(alice).get(reverse("surveillance:index")).content.decode()
    assert "None yet. The daily check emails" in page
    _check()
    page = client_for(alice).get(reverse("surveillance:index")).content.decode()
    assert "Infants (under 1 year), last 90 days" in page
    assert "All deaths, last 90 days" in page


def test_the_email_names_no_child_and_no_case(
    alice: User, llr: Area, infant_cluster: list[Case]
) -> None:
    _check()
    assert mail.outbox
    for email in mail.outbox:
        text = email.subject + email.body
        for case in Case.objects.filter(area=llr):
            assert case.child_first_name not in text
            assert case.child_last_name not in text
            assert case.reference not in text
            assert case.child_nhs_number not in text
            assert case.date_of_death.strftime("%-d %B %Y") not in text
        assert not re.search(r"\b999\d{7}\b", text)
        assert "contains no details of any child on purpose" in email.body


def test_once_the_window_has_passed_a_cluster_still_red_is_sent_again(
    alice: User, llr: Area
) -> None:
    history(llr)
    cluster(llr, 6)
    _check("--area", "llr")
    first = len(mail.outbox)
    assert first == 2
    # 91 days on, six more infants died in the new window.
    later = datetime.date(2027, 2, 27)
    for i in range(6):
        death(llr, later - datetime.timedelta(days=3 + 7 * i))
    with time_machine.travel(datetime.datetime(2027, 2, 27, 7, 0, tzinfo=LONDON), tick=False):
        assert "alerts sent: 2" in _check("--area", "llr")
    assert len(mail.outbox) == 4
    assert SignalAlert.objects.filter(group="infant").count() == 2


def test_worth_a_look_is_not_emailed(alice: User, llr: Area) -> None:
    history(llr)
    cluster(llr, 4)  # amber
    assert "unusual groups: 0; alerts sent: 0" in _check()
    assert mail.outbox == []
    assert not SignalAlert.objects.exists()


def test_an_area_without_history_is_reported_and_not_emailed(alice: User, llr: Area) -> None:
    cluster(llr, 8)
    output = _check("--area", "llr")
    assert "not enough history: llr" in output
    assert mail.outbox == []


def test_an_area_without_a_cdr_manager_records_nothing_so_the_alert_waits(
    devi: User, llr: Area, infant_cluster: list[Case]
) -> None:
    assert "alerts sent: 0" in _check()
    assert not SignalAlert.objects.exists()
    MembershipFactory(user=devi, area=llr, role=Role.CDR_MANAGER)
    assert "alerts sent: 2" in _check()


def test_a_window_or_area_not_known_is_refused() -> None:
    with pytest.raises(CommandError, match="--window must be one of 30, 60, 90, 180"):
        _check("--window", "45")
    with pytest.raises(CommandError, match="--years must be one of"):
        _check("--years", "4")
    with pytest.raises(CommandError, match="There is no area 'nowhere'"):
        _check("--area", "nowhere")
