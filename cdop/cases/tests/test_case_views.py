"""The case pages: opening a case from a notification and moving it along the workflow.

Every write goes through a service; these tests check what the pages add around them: the
right status codes, the messages people read, and the transition and audit rows written.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from cdop.analysis.tests.factories import complete_analysis
from cdop.cases.models import Case, CaseTransition
from cdop.cases.workflow import REVIEW_LINE, Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.notifications.models import Notification

pytestmark = pytest.mark.django_db

LINE = [
    "case_start_information_gathering",
    "case_ready_for_cdrm",
    "case_record_cdrm_held",
    "case_refer_to_panel",
    "case_record_panel_review",
    "case_finalise",
]


def transition_url(case: Case, name: str) -> str:
    return f"/staff/cases/{case.reference}/transition/{name}/"


def assert_unchanged(case: Case, status: Status = Status.NOTIFIED) -> None:
    case.refresh_from_db()
    assert case.status == status
    assert not CaseTransition.objects.filter(case=case).exists()
    assert not LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE).exists()


def test_alice_opens_a_case_from_a_notification_and_lands_on_it(llr, client_for, alice):
    notification = NotificationFactory(area=llr, child_last_name="Openme")

    response = client_for(alice).post(f"/staff/notifications/{notification.reference}/open-case/")

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.reference}/"
    assert case.child_last_name == "Openme"
    assert case.opened_by == alice
    notification.refresh_from_db()
    assert (notification.status, notification.case) == (Notification.Status.CASE_OPENED, case)
    opened = case.transitions.get()
    assert (opened.name, opened.to_status, opened.by) == ("case_open", Status.NOTIFIED, alice)
    created = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.CREATE)
    assert (created.actor, created.remote_addr) == (alice, "127.0.0.1")


def test_the_case_page_says_the_case_is_open(llr, client_for, alice):
    notification = NotificationFactory(area=llr)
    client = client_for(alice)

    page = client.post(f"/staff/notifications/{notification.reference}/open-case/", follow=True)

    case = Case.objects.get()
    assert f"Case {case.reference} is open." in page.text
    history = client.get(f"/staff/cases/{case.reference}/section/history/").text
    assert f"Opened from notification {notification.reference}" in history


def test_opening_a_case_twice_keeps_one_case_and_says_why(llr, client_for, alice):
    notification = NotificationFactory(area=llr)
    client = client_for(alice)
    client.post(f"/staff/notifications/{notification.reference}/open-case/")

    again = client.post(f"/staff/notifications/{notification.reference}/open-case/", follow=True)

    assert Case.objects.count() == 1
    assert again.redirect_chain[-1][0] == f"/staff/notifications/{notification.reference}/"
    assert "has already been dealt with (case opened)" in again.text


def test_the_open_case_button_is_only_on_new_notifications(llr, client_for, alice):
    fresh = NotificationFactory(area=llr)
    handled = NotificationFactory(area=llr, status=Notification.Status.CASE_OPENED)
    client = client_for(alice)

    assert "Open a case" in client.get(f"/staff/notifications/{fresh.reference}/").text
    assert "Open a case" not in client.get(f"/staff/notifications/{handled.reference}/").text


def test_opening_a_case_needs_a_post(llr, client_for, alice):
    notification = NotificationFactory(area=llr)

    response = client_for(alice).get(f"/staff/notifications/{notification.reference}/open-case/")

    assert response.status_code == 405
    assert not Case.objects.exists()


def test_alice_walks_a_case_along_the_review_line_with_a_note_at_each_step(llr, client_for, alice):
    case = CaseFactory(area=llr)
    complete_analysis(case=case, by=alice)  # finalising needs the panel's complete analysis
    client = client_for(alice)

    for name in LINE:
        response = client.post(transition_url(case, name), {"reason": f"Note for {name}"})
        assert response.status_code == 302, name
        assert response["Location"] == f"/staff/cases/{case.reference}/"

    case.refresh_from_db()
    assert case.status == Status.FINALISED
    assert case.finalised_at is not None
    rows = list(case.transitions.order_by("at", "pk"))
    assert [r.name for r in rows] == LINE
    assert [r.to_status for r in rows] == list(REVIEW_LINE[1:])
    assert [r.from_status for r in rows] == list(REVIEW_LINE[:-1])
    assert all(r.by == alice for r in rows)
    assert [r.reason for r in rows] == [f"Note for {name}" for name in LINE]
    updates = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE)
    assert updates.count() == len(LINE)
    assert {(e.actor, e.remote_addr) for e in updates} == {(alice, "127.0.0.1")}
    for row in rows:
        logged = LogEntry.objects.get_for_object(row).get(action=LogEntry.Action.CREATE)
        assert (logged.actor, logged.remote_addr) == (alice, "127.0.0.1")


def test_each_step_is_shown_in_the_case_history_with_its_note(llr, client_for, alice):
    case = CaseFactory(area=llr)
    client = client_for(alice)

    page = client.post(
        transition_url(case, "case_start_information_gathering"),
        {"reason": "Asked the hospital for notes"},
        follow=True,
    )

    assert "information gathering." in page.text
    history = client.get(f"/staff/cases/{case.reference}/section/history/").text
    assert "Notified → Information gathering" in history
    assert "Asked the hospital for notes" in history


def test_the_next_steps_offered_are_those_the_table_allows_from_here(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)

    page = client_for(alice).get(f"/staff/cases/{case.reference}/").text

    assert "Next step" in page
    assert f'action="{transition_url(case, "case_record_cdrm_held")}"' in page
    assert transition_url(case, "case_finalise") not in page
    assert transition_url(case, "case_transfer") not in page


def test_a_finalised_case_offers_only_reopening_and_only_to_managers(llr, client_for, alice, devi):
    case = CaseFactory(area=llr, status=Status.FINALISED)

    managers_page = client_for(alice).get(f"/staff/cases/{case.reference}/").text
    doctors_page = client_for(devi).get(f"/staff/cases/{case.reference}/").text

    assert f'action="{transition_url(case, "case_reopen")}"' in managers_page
    assert transition_url(case, "case_finalise") not in managers_page
    assert "Next step" not in doctors_page


def test_a_stale_transition_is_refused_with_a_clear_message_and_changes_nothing(
    llr, client_for, alice
):
    case = CaseFactory(area=llr, status=Status.NOTIFIED)

    response = client_for(alice).post(transition_url(case, "case_finalise"), {"reason": "Done"})

    assert response.status_code == 400
    assert "This case is now “Notified”, so you cannot finalise the review." in response.text
    assert "There is a problem" in response.text
    assert_unchanged(case)


def test_a_transfer_without_a_reason_is_refused_and_the_case_stays_where_it_was(
    llr, client_for, alice
):
    case = CaseFactory(area=llr)

    response = client_for(alice).post(transition_url(case, "case_transfer"), {"reason": "  "})

    assert response.status_code == 400
    assert "Enter which area, and why the child was not resident here" in response.text
    assert_unchanged(case)


def test_a_transfer_with_a_reason_closes_the_case(llr, client_for, alice):
    case = CaseFactory(area=llr)

    client_for(alice).post(
        transition_url(case, "case_transfer"), {"reason": "Lived in Nottingham; sent to them"}
    )

    case.refresh_from_db()
    assert case.status == Status.TRANSFERRED
    assert case.transitions.get().reason == "Lived in Nottingham; sent to them"


def test_a_duplicate_is_merged_into_the_live_case_by_its_reference(llr, client_for, alice):
    live = CaseFactory(area=llr)
    duplicate = CaseFactory(area=llr)

    response = client_for(alice).post(
        transition_url(duplicate, "case_merge_duplicate"),
        {"reason": "Second notifier", "into_reference": live.reference.lower()},
    )

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, live)


def test_a_duplicate_cannot_be_merged_into_a_case_of_another_area(
    llr, other_area, client_for, alice
):
    elsewhere = CaseFactory(area=other_area)
    duplicate = CaseFactory(area=llr)

    response = client_for(alice).post(
        transition_url(duplicate, "case_merge_duplicate"),
        {"reason": "Same child", "into_reference": elsewhere.reference},
    )

    assert response.status_code == 400
    assert "Enter the reference of the case in this area that this one duplicates" in response.text
    assert_unchanged(duplicate)


def test_a_merge_without_the_other_reference_is_refused(llr, client_for, alice):
    duplicate = CaseFactory(area=llr)

    response = client_for(alice).post(
        transition_url(duplicate, "case_merge_duplicate"), {"reason": "Same child"}
    )

    assert response.status_code == 400
    assert "Enter the reference of the case this one duplicates" in response.text
    assert_unchanged(duplicate)


def test_the_typed_note_is_kept_when_a_step_is_refused(llr, client_for, alice):
    duplicate = CaseFactory(area=llr)

    response = client_for(alice).post(
        transition_url(duplicate, "case_merge_duplicate"),
        {"reason": "Typed words kept", "into_reference": "LLR-1999-0001"},
    )

    assert "Typed words kept</textarea>" in response.text
    assert 'value="LLR-1999-0001"' in response.text


def test_an_unknown_transition_is_not_found(llr, client_for, alice):
    case = CaseFactory(area=llr)

    response = client_for(alice).post(transition_url(case, "case_teleport"), {"reason": "x"})

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert_unchanged(case)


def test_a_transition_cannot_be_made_by_following_a_link(llr, client_for, alice):
    case = CaseFactory(area=llr)

    response = client_for(alice).get(transition_url(case, "case_start_information_gathering"))

    assert response.status_code == 405
    assert_unchanged(case)


def test_kim_the_key_worker_reads_her_case_but_is_offered_no_next_steps(llr, client_for, kim):
    case = CaseFactory(area=llr, key_worker=kim)

    page = client_for(kim).get(f"/staff/cases/{case.reference}/")

    assert page.status_code == 200
    assert case.child_name in page.text
    assert "Next step" not in page.text
    assert "/transition/" not in page.text


def test_kim_the_key_worker_gets_404_for_a_case_she_is_not_key_worker_for(llr, client_for, kim):
    case = CaseFactory(area=llr, key_worker=None)

    assert client_for(kim).get(f"/staff/cases/{case.reference}/").status_code == 404
    assert case.reference not in client_for(kim).get("/staff/cases/").text


def test_kim_the_key_worker_lists_only_her_cases(llr, client_for, kim):
    hers = CaseFactory(area=llr, key_worker=kim)
    other = CaseFactory(area=llr)

    page = client_for(kim).get("/staff/cases/")

    assert hers.reference in page.text
    assert other.reference not in page.text


def test_a_step_posted_by_kim_is_refused_because_of_her_role(llr, client_for, kim):
    case = CaseFactory(area=llr, key_worker=kim)

    response = client_for(kim).post(
        transition_url(case, "case_start_information_gathering"), {"reason": "Let me"}
    )

    assert response.status_code == 400
    assert "Your role does not allow you to move cases between stages." in response.text
    assert_unchanged(case)


@pytest.mark.parametrize("persona", ["chris", "pat", "olu"])
def test_a_step_posted_by_someone_who_cannot_read_the_case_is_not_found(
    llr, client_for, request, persona
):
    case = CaseFactory(area=llr)

    response = client_for(request.getfixturevalue(persona)).post(
        transition_url(case, "case_start_information_gathering"), {"reason": "x"}
    )

    assert response.status_code == 404
    assert_unchanged(case)


def test_devi_the_designated_doctor_may_move_a_case(llr, client_for, devi):
    case = CaseFactory(area=llr)

    client_for(devi).post(transition_url(case, "case_start_information_gathering"))

    assert case.transitions.get().by == devi


def test_viewing_a_case_is_recorded_in_the_audit_log(llr, client_for, kim):
    case = CaseFactory(area=llr, key_worker=kim)

    client_for(kim).get(f"/staff/cases/{case.reference}/")

    viewed = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.ACCESS)
    assert (viewed.actor, viewed.remote_addr) == (kim, "127.0.0.1")
    assert viewed.additional_data == {"area_id": llr.pk}


def test_viewing_a_notification_is_recorded_in_the_audit_log(llr, client_for, devi):
    notification = NotificationFactory(area=llr)

    client_for(devi).get(f"/staff/notifications/{notification.reference}/")

    viewed = LogEntry.objects.get_for_object(notification).get(action=LogEntry.Action.ACCESS)
    assert (viewed.actor, viewed.remote_addr) == (devi, "127.0.0.1")


def test_every_view_is_recorded_not_only_the_first(llr, client_for, alice):
    case = CaseFactory(area=llr)
    client = client_for(alice)

    for _ in range(3):
        client.get(f"/staff/cases/{case.reference}/")

    assert LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.ACCESS).count() == 3


def test_a_refused_view_is_not_recorded_as_an_access(llr, client_for, olu):
    case = CaseFactory(area=llr)

    client_for(olu).get(f"/staff/cases/{case.reference}/")

    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_audit_address_is_the_clients_not_a_forwarded_header(llr, client_for, alice):
    case = CaseFactory(area=llr)

    client_for(alice).get(
        f"/staff/cases/{case.reference}/", headers={"x-forwarded-for": "203.0.113.9"}
    )

    viewed = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.ACCESS)
    assert viewed.remote_addr == "127.0.0.1"


def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(llr, client_for, alice, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    case = CaseFactory(area=llr)

    client_for(alice).get(
        f"/staff/cases/{case.reference}/", headers={"x-forwarded-for": "203.0.113.9, 10.0.0.1"}
    )

    viewed = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.ACCESS)
    assert viewed.remote_addr == "203.0.113.9"


def test_the_case_list_filters_by_status(llr, client_for, alice):
    waiting = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    fresh = CaseFactory(area=llr, status=Status.NOTIFIED)

    page = client_for(alice).get("/staff/cases/", {"status": "awaiting_panel"}).text

    assert f'href="/staff/cases/{waiting.reference}/"' in page
    assert f'href="/staff/cases/{fresh.reference}/"' not in page


def test_a_nonsense_status_filter_or_page_number_does_not_break_the_list(llr, client_for, alice):
    CaseFactory(area=llr)

    response = client_for(alice).get("/staff/cases/", {"status": "<b>", "page": "-9"})

    assert response.status_code == 200


def test_ways_out_of_the_review_are_on_their_own_page_linked_from_the_case(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.NOTIFIED)
    client = client_for(alice)

    overview = client.get(f"/staff/cases/{case.reference}/").text
    ways_out = client.get(f"/staff/cases/{case.reference}/section/close/").text

    assert transition_url(case, "case_start_information_gathering") in overview
    assert transition_url(case, "case_transfer") not in overview
    assert f'href="/staff/cases/{case.reference}/section/close/"' in overview
    for name in ("case_transfer", "case_close_out_of_scope", "case_merge_duplicate"):
        assert transition_url(case, name) in ways_out


def test_a_refused_transfer_shows_its_page_again_with_the_error(llr, client_for, alice):
    case = CaseFactory(area=llr, status=Status.NOTIFIED)

    response = client_for(alice).post(transition_url(case, "case_transfer"), {"reason": ""})

    assert response.status_code == 400
    assert "<title>Error: Transfer, close or merge" in response.text
    assert "Enter which area, and why the child was not resident here" in response.text


def test_the_case_page_shows_the_nhs_number_spaced_as_the_notification_page_does(
    llr, client_for, alice
):
    notification = NotificationFactory(area=llr, child_nhs_number="9990000018")
    case = CaseFactory(area=llr, child_nhs_number="9990000018")
    client = client_for(alice)

    case_page = client.get(f"/staff/cases/{case.reference}/").text
    notification_page = client.get(f"/staff/notifications/{notification.reference}/").text

    assert "999 000 0018" in case_page
    assert "9990000018" not in case_page
    assert "999 000 0018" in notification_page


def test_the_case_page_says_an_nhs_number_is_not_known(llr, client_for, alice):
    case = CaseFactory(area=llr, child_nhs_number="")

    page = client_for(alice).get(f"/staff/cases/{case.reference}/").text

    assert "Not known" in page
