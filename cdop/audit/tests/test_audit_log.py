"""The audit log: administrators read who did what to their area's records; nobody changes it."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from cdop.accounts.models import Role
from cdop.cases import services
from cdop.cases.models import Case
from cdop.core.tests.factories import CaseFactory, MembershipFactory, NotificationFactory

pytestmark = pytest.mark.django_db

URL = "/staff/audit/"
# 10:00 UTC falls on the same calendar day in London, summer or winter.


def rows(response) -> list[str]:
    """The table rows of the audit list, one string per entry."""
    body = response.text.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return list(re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S))


@pytest.fixture
def llr_case(llr, alice) -> Case:
    """A case alice opened and moved on, so the log has a create and an update by her."""
    case = services.case_open_from_notification(
        notification=NotificationFactory(area=llr), by=alice
    )
    return services.case_start_information_gathering(case=case, by=alice, reason="Started")


@pytest.fixture
def olu_admin(olu, other_area):
    """olu runs the other area: its administrator as well as its manager."""
    MembershipFactory(user=olu, area=other_area, role=Role.ADMINISTRATOR)
    return olu


def test_ada_reads_the_entries_of_her_areas_records(llr_case, client_for, ada, alice):
    response = client_for(ada).get(URL)

    assert response.status_code == 200
    listed = "".join(rows(response))
    assert llr_case.reference in listed
    assert alice.email in listed
    assert "Changed" in listed
    assert "Created" in listed


def test_an_entry_shows_who_what_when_where_and_the_changes(llr_case, client_for, ada, alice):
    entry = LogEntry.objects.get_for_object(llr_case).get(action=LogEntry.Action.UPDATE)

    response = client_for(ada).get(f"{URL}{entry.pk}/")

    assert response.status_code == 200
    assert f"Changed: case {llr_case.reference}" in response.text
    assert alice.email in response.text
    # The service ran outside a web request, so there was no address to record.
    assert "Not recorded" in response.text
    assert '>notified</td><td class="govuk-table__cell">information_gathering<' in response.text


def test_viewing_a_case_appears_in_the_log_as_viewed(llr_case, client_for, ada, kim):
    llr_case.key_worker = kim
    llr_case.save(update_fields=["key_worker"])
    client_for(kim).get(f"/staff/cases/{llr_case.reference}/")

    response = client_for(ada).get(URL, {"action": "access"})

    listed = rows(response)
    assert len(listed) == 1
    assert kim.email in listed[0]
    assert "127.0.0.1" in listed[0]


def test_ada_filters_by_who_made_the_change(llr_case, client_for, ada, devi, alice):
    other = CaseFactory(area=llr_case.area, status="information_gathering")
    services.case_ready_for_cdrm(case=other, by=devi)

    response = client_for(ada).get(URL, {"actor_email": devi.email.upper()})

    listed = rows(response)
    assert listed
    assert all(devi.email in r for r in listed)
    assert not any(alice.email in r for r in listed)


def test_ada_filters_by_action(llr_case, client_for, ada):
    response = client_for(ada).get(URL, {"action": "update"})

    listed = rows(response)
    assert listed
    assert all(">Changed<" in r for r in listed)


def test_ada_filters_by_record_reference(llr_case, client_for, ada, llr):
    unrelated = CaseFactory(area=llr)

    response = client_for(ada).get(URL, {"record": llr_case.reference.lower()})

    listed = rows(response)
    assert len(listed) == 2  # created, then changed
    assert all(llr_case.reference in r for r in listed)
    assert not any(unrelated.reference in r for r in listed)


def test_ada_filters_by_dates(llr, client_for, ada):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC)):
        march = CaseFactory(area=llr, reference="LLR-2026-0301")
    with time_machine.travel(datetime.datetime(2026, 6, 10, 10, tzinfo=datetime.UTC)):
        june = CaseFactory(area=llr, reference="LLR-2026-0601")
    client = client_for(ada)

    def listed(**dates: str) -> str:
        return "".join(rows(client.get(URL, dates)))

    spring = listed(
        date_from_day="1",
        date_from_month="3",
        date_from_year="2026",
        date_to_day="10",
        date_to_month="3",
        date_to_year="2026",
    )
    summer_on = listed(date_from_day="11", date_from_month="3", date_from_year="2026")
    until_march = listed(date_to_day="10", date_to_month="3", date_to_year="2026")

    assert march.reference in spring
    assert june.reference not in spring
    assert june.reference in summer_on
    assert march.reference not in summer_on
    assert march.reference in until_march
    assert june.reference not in until_march


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
            "From must be a real date",
        ),
        (
            {"date_from_day": "x", "date_from_month": "2", "date_from_year": "2026"},
            "From must be a real date, written in numbers",
        ),
        (
            {"date_to_day": "1", "date_to_month": "1", "date_to_year": "26"},
            "To must have a 4-digit year",
        ),
        (
            {
                "date_from_day": "2",
                "date_from_month": "1",
                "date_from_year": "2026",
                "date_to_day": "1",
                "date_to_month": "1",
                "date_to_year": "2026",
            },
            "‘To’ must be the same as or after ‘From’",
        ),
        ({"actor_email": "not an email"}, "Enter an email address, like name@example.nhs.uk"),
    ],
)
def test_a_bad_search_is_answered_with_a_message_not_an_error(
    llr_case, client_for, ada, query, message
):
    response = client_for(ada).get(URL, query)

    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text


def test_an_unknown_action_filter_is_refused_kindly(llr_case, client_for, ada):
    response = client_for(ada).get(URL, {"action": "explode"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.text


def test_another_areas_entries_are_not_shown_to_ada(
    llr_case, client_for, ada, olu_admin, other_area
):
    theirs = services.case_open_from_notification(
        notification=NotificationFactory(area=other_area, child_last_name="Otherchild"),
        by=olu_admin,
    )
    client_for(olu_admin).get(f"/staff/cases/{theirs.reference}/")

    ada_sees = "".join(rows(client_for(ada).get(URL)))
    olu_sees = "".join(rows(client_for(olu_admin).get(URL)))

    assert theirs.reference not in ada_sees
    assert "NTF-" not in ada_sees.replace(llr_case.notifications.get().reference, "")
    assert theirs.reference in olu_sees
    assert llr_case.reference not in olu_sees


def test_ada_cannot_open_an_entry_of_another_area_by_its_number(
    client_for, ada, olu_admin, other_area
):
    theirs = CaseFactory(area=other_area)
    entry = LogEntry.objects.get_for_object(theirs).get()

    response = client_for(ada).get(f"{URL}{entry.pk}/")

    assert response.status_code == 404


def test_ada_searching_for_another_areas_record_finds_nothing(
    client_for, ada, olu_admin, other_area
):
    theirs = CaseFactory(area=other_area)

    response = client_for(ada).get(URL, {"record": theirs.reference})

    assert rows(response) == ['<td class="govuk-table__cell" colspan="5">No entries match.</td>']


def test_roles_given_in_another_area_are_not_shown_to_ada(client_for, ada, olu_admin, other_area):
    response = client_for(ada).get(URL)

    assert other_area.name not in "".join(rows(response))


@pytest.mark.parametrize("persona", ["alice", "devi", "kim", "chris", "pat", "olu"])
def test_only_administrators_read_the_audit_log(llr_case, client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    entry = LogEntry.objects.get_for_object(llr_case).first()

    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}{entry.pk}/").status_code == 404


def test_a_service_run_after_a_request_in_the_same_thread_still_names_its_actor(
    llr, client_for, alice, devi
):
    client_for(alice).get("/staff/")  # a request has come and gone on this thread
    case = CaseFactory(area=llr)

    services.case_start_information_gathering(case=case, by=devi)

    entry = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == devi


def test_an_audit_entry_cannot_be_changed_in_the_database(llr_case):
    entry = LogEntry.objects.get_for_object(llr_case).first()

    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="Nothing to see")

    entry.refresh_from_db()
    assert entry.object_repr == llr_case.reference


def test_an_audit_entry_cannot_be_changed_by_saving_the_model(llr_case):
    entry = LogEntry.objects.get_for_object(llr_case).first()
    entry.remote_addr = "10.9.9.9"

    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test flush"
)
def test_an_audit_entry_cannot_be_deleted_in_the_database(llr_case):
    entry = LogEntry.objects.get_for_object(llr_case).first()

    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()

    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_offers_no_way_to_add_change_or_delete_entries(llr_case, ada):
    ada.is_staff = ada.is_superuser = True
    ada.save()
    request = RequestFactory().get("/admin/auditlog/logentry/")
    request.user = ada
    model_admin = admin.site._registry[LogEntry]
    entry = LogEntry.objects.first()

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_a_superuser_cannot_delete_an_entry_through_the_admin(llr_case, client_for, ada):
    ada.is_staff = ada.is_superuser = True
    ada.save()
    entry = LogEntry.objects.first()
    client = client_for(ada)

    delete = client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"})
    add = client.get("/admin/auditlog/logentry/add/")

    assert delete.status_code in (302, 403)
    assert add.status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
