"""Actions on a case: added by the people who run the case, changed, moved between statuses
with a reason, closed with evidence; every change a row of history; everyone else a 404."""

from __future__ import annotations

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.test import override_settings

from cdop.actions.models import Action, ActionStatus, ActionStatusChange
from cdop.actions.services import ActionDetails, action_create, action_status_change
from cdop.actions.tests.factories import ActionFactory, OrganisationFactory
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.chronology.registry import chronology_for_case
from cdop.core.errors import DomainError
from cdop.documents.models import Document
from cdop.investigations.tests.helpers import date_fields, opened_case

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def case(llr: object) -> Case:
    return opened_case(area=llr, status=Status.PANEL_REVIEWED)


def action_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "description": "Remind parents of safe sleep advice at every health visitor contact.",
        "category": "Safe sleep",
        "owner_organisation": "",
        "owner_name": "Synthetic Community Health",
        "owner_email": "lead@community.invalid",
        "due_on": D(2027, 6, 30),
    }
    values.update(overrides)
    data: dict[str, str] = {}
    for name, value in sorted(values.items(), key=lambda kv: len(kv[0])):
        if name.endswith("_on") and not isinstance(value, str):
            data.update(date_fields(name, value))  # type: ignore[arg-type]
        else:
            data[name] = str(value)
    return data


def test_a_manager_adds_an_action_to_the_case_and_its_history_starts(
    client_for, alice, case
) -> None:
    response = client_for(alice).post(f"/staff/cases/{case.reference}/actions/add/", action_form())

    assert response.status_code == 302
    action = Action.objects.get(case=case)
    assert action.area_id == case.area_id
    assert action.status == ActionStatus.OPEN
    assert action.owner_label == "Synthetic Community Health"
    change = ActionStatusChange.objects.get(action=action)
    assert (change.from_status, change.to_status, change.by) == ("", "open", alice)
    assert LogEntry.objects.filter(
        content_type__model="action", object_pk=str(action.pk), action=LogEntry.Action.CREATE
    ).exists()


def test_an_action_can_be_owned_by_an_organisation_of_the_directory(
    client_for, alice, case, llr
) -> None:
    trust = OrganisationFactory(area=llr)

    client_for(alice).post(
        f"/staff/cases/{case.reference}/actions/add/",
        action_form(owner_organisation=trust.pk, owner_name=""),
    )

    assert Action.objects.get(case=case).owner_organisation == trust


def test_an_organisation_of_another_area_is_refused(client_for, alice, case, other_area) -> None:
    elsewhere = OrganisationFactory(area=other_area)

    response = client_for(alice).post(
        f"/staff/cases/{case.reference}/actions/add/",
        action_form(owner_organisation=elsewhere.pk, owner_name=""),
    )

    assert response.status_code == 400
    assert "Choose an organisation from the list" in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "Enter what is to be done"),
        (
            {"owner_name": ""},
            "Choose the organisation that owns the action, or type its name",
        ),
        ({"owner_email": "not an email"}, "Enter an email address in the correct format"),
        ({"due_on": None}, "Enter the date the action is due"),
        ({"due_on": D(2027, 2, 1)}, "The due date must be today or in the future"),
        ({"due_on_day": "30", "due_on_month": "2"}, "Due date must be a real date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(
    client_for, alice, case, overrides, message
) -> None:
    response = client_for(alice).post(
        f"/staff/cases/{case.reference}/actions/add/", action_form(**overrides)
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Synthetic Community Health" in body or overrides.get("owner_name") == ""
    assert not Action.objects.exists()


@pytest.mark.parametrize("persona", ["kim", "chris", "pat", "olu", "charlie"])
def test_nobody_else_may_add_actions_to_the_case(client_for, request, case, persona) -> None:
    user = request.getfixturevalue(persona)
    if persona == "kim":
        case.key_worker = user
        case.save()

    response = client_for(user).post(f"/staff/cases/{case.reference}/actions/add/", action_form())

    # charlie has no second factor yet, so is sent to set one up first.
    assert response.status_code == (302 if persona == "charlie" else 404)
    assert not Action.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, case) -> None:
    response = client.get(f"/staff/cases/{case.reference}/actions/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_case_page_lists_the_actions_and_is_audited(client_for, devi, case) -> None:
    action = ActionFactory(case=case)

    response = client_for(devi).get(f"/staff/cases/{case.reference}/actions/")

    assert response.status_code == 200
    assert action.number in response.content.decode()
    assert LogEntry.objects.filter(
        content_type__model="case", object_pk=str(case.pk), action=LogEntry.Action.ACCESS
    ).exists()


def test_the_case_key_worker_reads_the_actions_but_not_the_tracker_pages(
    client_for, kim, case
) -> None:
    case.key_worker = kim
    case.save()
    action = ActionFactory(case=case)

    assert client_for(kim).get(f"/staff/cases/{case.reference}/actions/").status_code == 200
    assert client_for(kim).get(f"/staff/actions/{action.pk}/").status_code == 404
    assert client_for(kim).get("/staff/actions/").status_code == 404


@pytest.mark.parametrize("persona", ["chris", "pat", "olu", "charlie", "kim"])
def test_an_action_page_is_a_404_for_anyone_who_may_not_follow_it_up(
    client_for, request, case, persona
) -> None:
    action = ActionFactory(case=case)
    user = request.getfixturevalue(persona)

    for tail in ("", "change/", "status/"):
        response = client_for(user).get(f"/staff/actions/{action.pk}/{tail}")
        assert response.status_code == (302 if persona == "charlie" else 404)


def test_the_action_page_shows_its_history_and_is_audited(client_for, alice, case) -> None:
    action = ActionFactory(case=case)

    response = client_for(alice).get(f"/staff/actions/{action.pk}/")

    assert response.status_code == 200
    assert "Agreed" in response.content.decode()
    assert LogEntry.objects.filter(
        content_type__model="action", object_pk=str(action.pk), action=LogEntry.Action.ACCESS
    ).exists()


def test_a_designated_doctor_reads_an_action_but_only_managers_change_it(
    client_for, devi, case
) -> None:
    # Designated doctors run cases too (CASE_MANAGERS): they may change actions.
    action = ActionFactory(case=case)

    assert client_for(devi).get(f"/staff/actions/{action.pk}/status/").status_code == 200


def test_changing_the_due_date_keeps_the_history(client_for, alice, case) -> None:
    action = ActionFactory(case=case)

    response = client_for(alice).post(
        f"/staff/actions/{action.pk}/change/", action_form(due_on=D(2027, 9, 30))
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_on == D(2027, 9, 30)
    assert action.description.startswith("Remind parents")


def test_an_unchanged_past_due_date_does_not_stop_other_changes(client_for, alice, case) -> None:
    action = ActionFactory(case=case, due_on=D(2027, 1, 31))

    response = client_for(alice).post(
        f"/staff/actions/{action.pk}/change/", action_form(due_on=D(2027, 1, 31))
    )

    assert response.status_code == 302


def _status(client, action, **data: str):
    return client.post(f"/staff/actions/{action.pk}/status/", data)


def test_in_progress_then_done_with_evidence_writes_two_history_rows(
    client_for, alice, case
) -> None:
    action = ActionFactory(case=case)
    client = client_for(alice)

    assert _status(client, action, status="in_progress").status_code == 302
    assert (
        _status(
            client, action, status="done", evidence="New leaflet in use since February."
        ).status_code
        == 302
    )

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.closed_on == D(2027, 3, 1)
    assert action.evidence == "New leaflet in use since February."
    moves = list(action.status_changes.values_list("from_status", "to_status", "by"))
    assert moves == [
        ("", "open", action.created_by_id),
        ("open", "in_progress", alice.pk),
        ("in_progress", "done", alice.pk),
    ]


def test_done_without_evidence_is_refused(client_for, alice, case) -> None:
    action = ActionFactory(case=case)

    response = _status(client_for(alice), action, status="done", evidence="")

    assert response.status_code == 400
    assert "Enter the evidence that the action was done" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_dropping_needs_a_reason_and_reopening_too(client_for, alice, case) -> None:
    action = ActionFactory(case=case)
    client = client_for(alice)

    refused = _status(client, action, status="dropped")
    assert "Enter why the action is being dropped" in refused.content.decode()
    assert (
        _status(client, action, status="dropped", reason="Superseded by ACT-9").status_code == 302
    )
    refused = _status(client, action, status="open")
    assert "Enter why the action is being reopened" in refused.content.decode()
    assert (
        _status(client, action, status="open", reason="Not superseded after all").status_code == 302
    )

    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert action.closed_on is None
    assert [c.reason for c in action.status_changes.all()][-2:] == [
        "Superseded by ACT-9",
        "Not superseded after all",
    ]


def test_a_closed_action_can_only_be_reopened(client_for, alice, case) -> None:
    action = ActionFactory(
        case=case, status=ActionStatus.DONE, evidence="Done.", closed_on=D(2027, 2, 1)
    )

    response = _status(client_for(alice), action, status="in_progress", reason="More to do")

    assert response.status_code == 400
    assert "A closed action can only be reopened" in response.content.decode()


def test_an_unknown_status_is_refused_not_a_500(client_for, alice, case) -> None:
    action = ActionFactory(case=case)

    response = _status(client_for(alice), action, status="finished")

    assert response.status_code == 400
    assert "Select the action&#x27;s new status" in response.content.decode()


def test_a_document_as_evidence_goes_through_the_documents_checks(
    client_for, alice, case, tmp_path
) -> None:
    action = ActionFactory(case=case)
    with override_settings(DOCUMENTS_ROOT=tmp_path):
        pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        pdf.name = "evidence.pdf"
        response = client_for(alice).post(
            f"/staff/actions/{action.pk}/status/",
            {"status": "done", "evidence": "Audit attached.", "file": pdf},
        )

    assert response.status_code == 302
    action.refresh_from_db()
    document = Document.objects.get(case=case)
    assert action.evidence_document == document
    assert document.title == f"Evidence for action {action.number}"


def test_a_bad_document_is_refused_and_nothing_is_closed(client_for, alice, case, tmp_path) -> None:
    action = ActionFactory(case=case)
    with override_settings(DOCUMENTS_ROOT=tmp_path):
        empty = io.BytesIO(b"")
        empty.name = "empty.pdf"
        response = client_for(alice).post(
            f"/staff/actions/{action.pk}/status/",
            {"status": "done", "evidence": "Audit attached.", "file": empty},
        )

    assert response.status_code == 400
    assert "The selected file is empty" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert not Document.objects.exists()


def test_the_service_refuses_someone_who_cannot_read_the_case(olu, case) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        action_create(
            case=case,
            by=olu,
            details=ActionDetails(
                description="x", owner_name="y", owner_email="a@b.invalid", due_on=D(2027, 6, 1)
            ),
        )


def test_the_service_refuses_a_move_to_the_same_status(alice, case) -> None:
    action = ActionFactory(case=case)

    with pytest.raises(DomainError, match="already open"):
        action_status_change(action=action, by=alice, to_status="open")


def test_the_chronology_and_the_case_section_show_actions(alice, case, rf) -> None:
    from cdop.actions.integration import section_context

    action = ActionFactory(case=case, due_on=D(2027, 2, 1))
    action_status_change(action=action, by=alice, to_status="in_progress")

    titles = [e.title for e in chronology_for_case(user=alice, case=case, kinds=["actions"])]
    assert titles == [f"Action {action.number} agreed", f"Action {action.number}: in progress"]
    request = rf.get("/")
    request.user = alice
    section = section_context(request, case)
    assert section is not None
    assert (section["open"], section["overdue"], section["can_manage"]) == (1, 1, True)


def test_the_case_section_page_renders(client_for, alice, case) -> None:
    ActionFactory(case=case)

    response = client_for(alice).get(f"/staff/cases/{case.reference}/section/actions/")

    assert response.status_code == 200
    assert "1 action: 1 open" in response.content.decode()


def test_a_finalised_case_takes_evidence_in_words_but_no_new_document(
    client_for, alice, llr, tmp_path
) -> None:
    finalised = opened_case(area=llr, status=Status.FINALISED)
    action = ActionFactory(case=finalised)
    with override_settings(DOCUMENTS_ROOT=tmp_path):
        pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        pdf.name = "evidence.pdf"
        refused = client_for(alice).post(
            f"/staff/actions/{action.pk}/status/",
            {"status": "done", "evidence": "Audit attached.", "file": pdf},
        )
        done = client_for(alice).post(
            f"/staff/actions/{action.pk}/status/", {"status": "done", "evidence": "Audit done."}
        )

    assert refused.status_code == 400
    assert "describe the evidence in words instead" in refused.content.decode()
    assert done.status_code == 302
    assert not Document.objects.exists()
