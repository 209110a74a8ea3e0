"""The staff API reads what the person's pages show them and nothing else, filtered and in
pages, and every read of case data is in the audit log under their name.

In LLR: alice (CDR manager) reads every case; kim (key worker) only the case he is key
worker for; pat (panel member) no case at all; olu (manager in Demo Shire) none of LLR's."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils import timezone

from cdop.actions.tests.factories import ActionFactory
from cdop.api.tests.conftest import token_for
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def kims_case(llr, kim) -> Case:
    return CaseFactory(
        area=llr, reference="LLR-2026-0001", key_worker=kim, date_of_death=datetime.date(2026, 5, 2)
    )


@pytest.fixture
def other_case(llr) -> Case:
    return CaseFactory(
        area=llr,
        reference="LLR-2026-0002",
        status=Status.FINALISED,
        date_of_death=datetime.date(2025, 8, 9),
    )


@pytest.fixture
def demo_case(other_area) -> Case:
    return CaseFactory(area=other_area, reference="DEMO-2026-0001")


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["reference"] for row in response.json()["results"])


# --- Who sees which case ----------------------------------------------------------------------


def test_a_manager_lists_every_case_of_their_area_and_none_of_another(
    staff_get, alice, kims_case, other_case, demo_case
):
    response = staff_get("cases/", token_for(alice))

    assert references(response) == ["LLR-2026-0001", "LLR-2026-0002"]
    assert response.json()["count"] == 2


def test_a_key_worker_lists_and_reads_only_their_own_cases(staff_get, kim, kims_case, other_case):
    token = token_for(kim)

    assert references(staff_get("cases/", token)) == ["LLR-2026-0001"]
    assert staff_get("cases/LLR-2026-0001/", token).status_code == 200
    assert staff_get("cases/LLR-2026-0002/", token).status_code == 404


def test_a_panel_member_reads_no_case(staff_get, pat, chris, kims_case):
    for person in (pat, chris):
        token = token_for(person)
        assert references(staff_get("cases/", token)) == []
        assert staff_get("cases/LLR-2026-0001/", token).status_code == 404
        assert references(staff_get("notifications/", token)) == []


def test_a_case_of_another_area_is_a_404_like_one_that_does_not_exist(staff_get, olu, kims_case):
    token = token_for(olu)

    hidden = staff_get("cases/LLR-2026-0001/", token)
    missing = staff_get("cases/LLR-2026-9999/", token)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden.json()["detail"] == "No case with that reference that you may read."


def test_a_reference_that_cannot_be_one_is_a_404_not_an_error(staff_get, alice):
    token = token_for(alice)

    for nonsense in ("a%00b", "x" * 30, "LLR 2026"):
        assert staff_get(f"cases/{nonsense}/", token).status_code == 404
        assert staff_get(f"notifications/{nonsense}/", token).status_code == 404
    assert staff_get(f"actions/{2**64}/", token).status_code == 404


def test_a_list_has_no_names_but_one_case_has_them(staff_get, alice, kims_case):
    token = token_for(alice)

    row = staff_get("cases/", token).json()["results"][0]
    detail = staff_get("cases/LLR-2026-0001/", token).json()

    for identifier in ("child_first_name", "child_last_name", "child_nhs_number"):
        assert identifier not in row
    assert "child_date_of_birth" not in row
    assert row["age_band"] == "1_4_years"
    assert row["key_worker"] == "Kim Keyworker"
    assert detail["child_last_name"] == kims_case.child_last_name
    assert detail["child_nhs_number"] == "9990000026"
    assert detail["web_url"] == "/staff/cases/LLR-2026-0001/" or detail["web_url"].endswith(
        "LLR-2026-0001/"
    )


def test_only_get_is_answered(staff_get, alice, kims_case):
    from django.test import Client

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(alice)}"}
    for method in ("post", "put", "patch", "delete"):
        response = getattr(Client(), method)("/api/staff/v1/cases/", **headers)
        assert response.status_code == 405, method
        assert response.json()["detail"] == "The staff API only reads: use GET."
    assert Case.objects.count() == 1


# --- Notifications, actions, statistics --------------------------------------------------------


def test_notifications_follow_the_notification_pages_rules(
    staff_get, alice, kim, olu, llr, kims_case
):
    of_kims_case = NotificationFactory(area=llr, reference="NTF-AAAA-0001", case=kims_case)
    queued = NotificationFactory(area=llr, reference="NTF-AAAA-0002")

    assert references(staff_get("notifications/", token_for(alice))) == [
        "NTF-AAAA-0001",
        "NTF-AAAA-0002",
    ]
    kims = token_for(kim)
    assert references(staff_get("notifications/", kims)) == ["NTF-AAAA-0001"]
    assert staff_get(f"notifications/{queued.reference}/", kims).status_code == 404
    detail = staff_get(f"notifications/{of_kims_case.reference}/", kims).json()
    assert detail["case"] == "LLR-2026-0001"
    assert detail["child_nhs_number"] == "9990000018"
    assert staff_get(f"notifications/{queued.reference}/", token_for(olu)).status_code == 404


def test_actions_follow_the_tracker(staff_get, alice, kim, olu, kims_case):
    action = ActionFactory(case=kims_case)

    listed = staff_get("actions/", token_for(alice)).json()["results"]
    detail = staff_get(f"actions/{action.pk}/", token_for(alice)).json()

    assert [row["number"] for row in listed] == [action.number]
    assert detail["history"][0]["to_status"] == "open"
    # The key worker reads the case, but the tracker is not theirs; nor another area's.
    assert staff_get("actions/", token_for(kim)).json()["results"] == []
    assert staff_get(f"actions/{action.pk}/", token_for(kim)).status_code == 404
    assert staff_get(f"actions/{action.pk}/", token_for(olu)).status_code == 404


def test_statistics_for_each_area_the_person_has_a_role_in(
    staff_get, pat, olu, kims_case, other_case
):
    from cdop.reporting.selectors import reporting_year

    (llr_figures,) = staff_get("statistics/", token_for(pat)).json()
    by_status = {row["status"]: row["cases"] for row in llr_figures["cases_by_status"]}
    (demo_figures,) = staff_get("statistics/", token_for(olu)).json()

    assert llr_figures["area"] == "llr"
    assert by_status["notified"] == 1
    assert by_status["finalised"] == 1
    assert llr_figures["year_start"] == reporting_year(timezone.localdate())[0].isoformat()
    assert demo_figures["area"] == "demo-shire"
    earlier = staff_get("statistics/", token_for(pat), reporting_year="2020").json()
    assert earlier[0]["year_start"] == "2020-04-01"
    assert earlier[0]["year_end"] == "2021-03-31"


# --- Filters and pages --------------------------------------------------------------------------


def test_filters_by_status_date_of_death_area_and_change(
    staff_get, alice, kims_case, other_case, other_area
):
    token = token_for(alice)

    assert references(staff_get("cases/", token, status="finalised")) == ["LLR-2026-0002"]
    assert references(staff_get("cases/?status=finalised&status=notified", token)) == [
        "LLR-2026-0001",
        "LLR-2026-0002",
    ]
    assert references(
        staff_get("cases/", token, date_of_death_from="2026-01-01", date_of_death_to="2026-12-31")
    ) == ["LLR-2026-0001"]
    assert references(staff_get("cases/", token, area="llr")) == ["LLR-2026-0001", "LLR-2026-0002"]
    assert references(staff_get("cases/", token, area="demo-shire")) == []


def test_updated_since_finds_cases_opened_moved_or_changed_since(staff_get, alice, llr, kims_case):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        untouched = CaseFactory(area=llr, reference="LLR-2026-0003")
        edited = CaseFactory(area=llr, reference="LLR-2026-0004")
    edited.child_postcode = "LE2 2AA"
    edited.save()  # the audit log sees the change
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    found = references(staff_get("cases/", token_for(alice), updated_since=since))

    assert found == ["LLR-2026-0001", "LLR-2026-0004"]
    assert untouched.reference not in found


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"status": "closed"}, "status", "status must be one of"),
        ({"date_of_death_from": "2026-02-30"}, "date_of_death_from", "must be a real date"),
        ({"date_of_death_from": "0001-01-01"}, "date_of_death_from", "between 1900 and 2100"),
        (
            {"date_of_death_from": "2026-05-01", "date_of_death_to": "2026-04-01"},
            "date_of_death_to",
            "same as or after",
        ),
        ({"updated_since": "yesterday"}, "updated_since", "ISO 8601"),
        ({"updated_since": "9999-12-31T23:59:59-12:00"}, "updated_since", "between"),
        ({"area": "no-such-area"}, "area", "There is no area"),
        ({"area": "a\x00b"}, "area", "short name"),
        ({"stauts": "finalised"}, "stauts", "no such filter"),
        ({"page": "0"}, "page", "whole number from 1"),
        ({"page_size": "500"}, "page_size", "1 to 200"),
        ({"page_size": "ten"}, "page_size", "whole number"),
    ],
)
def test_bad_filters_are_a_400_saying_what_to_send(staff_get, alice, params, field, words):
    response = staff_get("cases/", token_for(alice), **params)

    assert response.status_code == 400
    messages = response.json()["errors"][field]
    assert any(words in message for message in messages), messages


def test_bad_statistics_and_action_filters_are_a_400(staff_get, alice):
    token = token_for(alice)

    assert staff_get("statistics/", token, reporting_year="1999").status_code == 400
    assert staff_get("statistics/", token, updated_since="2026-01-01").status_code == 400
    assert staff_get("actions/", token, overdue="perhaps").status_code == 400
    assert staff_get("actions/", token, case="LLR 2026").status_code == 400
    assert staff_get("notifications/", token, received_from="2026-13-01").status_code == 400


def test_pages_of_the_size_asked_for_with_links(staff_get, alice, llr):
    for n in range(5):
        CaseFactory(area=llr, reference=f"LLR-2026-01{n:02d}")
    token = token_for(alice)

    first = staff_get("cases/", token, page_size="2").json()
    last = staff_get("cases/", token, page_size="2", page="3").json()
    beyond = staff_get("cases/", token, page_size="2", page="4")

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert beyond.status_code == 404
    assert beyond.json()["detail"] == "There is no page 4: this list has 3 pages of up to 2 rows."


# --- The audit log ----------------------------------------------------------------------------


def test_reading_a_case_is_audited_under_the_persons_name(staff_get, alice, kims_case):
    staff_get("cases/LLR-2026-0001/", token_for(alice))

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(kims_case.pk))
    assert entry.actor == alice
    assert entry.additional_data["area_id"] == kims_case.area_id
    assert entry.remote_addr == "127.0.0.1"


def test_reading_a_notification_and_an_action_is_audited(staff_get, alice, llr, kims_case):
    notification = NotificationFactory(area=llr, reference="NTF-AAAA-0009")
    action = ActionFactory(case=kims_case)
    token = token_for(alice)

    staff_get(f"notifications/{notification.reference}/", token)
    staff_get(f"actions/{action.pk}/", token)

    viewed = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=alice)
    assert {(e.content_type.model, e.object_pk) for e in viewed} == {
        ("notification", str(notification.pk)),
        ("action", str(action.pk)),
    }


def test_each_page_of_a_list_is_audited_with_its_filters_and_references(
    staff_get, alice, llr, kims_case, other_case
):
    staff_get("cases/", token_for(alice), status="notified")

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_repr="staff API case list")
    assert entry.actor == alice
    assert entry.content_type.model == "case"
    assert entry.additional_data == {
        "export": "api_case_list",
        "filters": {"status": "notified"},
        "results": 1,
        "references": ["LLR-2026-0001"],
        "area_id": llr.pk,
    }


def test_statistics_and_refused_reads_write_no_case_audit(staff_get, alice, olu, kims_case):
    staff_get("statistics/", token_for(alice))
    staff_get("cases/LLR-2026-0001/", token_for(olu))

    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    assert Notification.objects.count() == 0


# --- The annual report ---------------------------------------------------------------------------


def test_the_annual_report_for_anyone_with_a_role_in_the_area(staff_get, pat, olu, other_case):
    response = staff_get("statistics/annual/", token_for(pat), area="llr")

    assert response.status_code == 200
    report = response.json()
    assert report["area"] == "llr"
    assert report["period_end"].endswith("-03-31")
    assert report["tables"]
    assert {"text", "number", "hidden"} == set(report["deaths_notified"])
    assert staff_get("statistics/annual/", token_for(olu), area="llr").status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_annual_report_for_a_period_and_its_bad_periods(staff_get, alice):
    token = token_for(alice)

    chosen = staff_get(
        "statistics/annual/", token, area="llr", date_from="2024-04-01", date_to="2025-03-31"
    )
    no_area = staff_get("statistics/annual/", token)
    half = staff_get("statistics/annual/", token, area="llr", date_from="2024-04-01")
    too_long = staff_get(
        "statistics/annual/", token, area="llr", date_from="2015-04-01", date_to="2025-03-31"
    )

    assert chosen.json()["period_label"] == "1 April 2024 to 31 March 2025"
    assert no_area.json()["errors"]["area"] == ["Give the area, like area=llr"]
    assert half.status_code == 400
    assert "both date_from and date_to" in half.json()["errors"]["date_to"][0]
    assert too_long.json()["errors"]["date_to"] == ["The period must be 5 years or shorter"]
