"""Coroner, post-mortem, inquest and Medical Examiner events: recording them, the rules on
their dates, who may see them, and the meeting they hold back."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils.html import escape

from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.chronology.registry import chronology_for_case
from cdop.core.tests.factories import CaseFactory
from cdop.investigations.models import CoronerReferral, Inquest, MedicalExaminerReview, PostMortem
from cdop.investigations.selectors import cdrm_blockers, investigation_blockers
from cdop.investigations.tests.factories import (
    CoronerReferralFactory,
    InquestFactory,
    MedicalExaminerReviewFactory,
    PostMortemFactory,
)
from cdop.investigations.tests.helpers import date_fields, opened_case

pytestmark = pytest.mark.django_db

D = datetime.date


def events_url(case: Case, tail: str = "") -> str:
    return f"/staff/cases/{case.reference}/events/{tail}"


def post_mortem_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "pm_type": "coronial",
        "requested_on": D(2026, 10, 2),
        "performed_on": D(2026, 11, 3),
        "report_received_on": None,
        "result_summary": "",
        "cause_of_death": "",
        "notes": "",
    }
    values.update(overrides)
    data: dict[str, str] = {}
    for name, value in values.items():
        if name.endswith("_on"):
            data.update(date_fields(name, value))  # type: ignore[arg-type]
        else:
            data[name] = str(value)
    return data


def inquest_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "opened_on": D(2026, 10, 8),
        "adjourned_on": None,
        "resumed_on": None,
        "concluded_on": None,
        "conclusion": "",
        "conclusion_text": "",
        "notes": "",
    }
    values.update(overrides)
    data: dict[str, str] = {}
    for name, value in values.items():
        if name.endswith("_on"):
            data.update(date_fields(name, value))  # type: ignore[arg-type]
        else:
            data[name] = str(value)
    return data


@pytest.fixture
def case(llr, kim) -> Case:
    return opened_case(area=llr, status=Status.INFORMATION_GATHERING, key_worker=kim)


# Recording


def test_alice_records_a_post_mortem_and_the_audit_log_names_her(client_for, alice, case):
    response = client_for(alice).post(events_url(case, "post-mortem/add/"), post_mortem_form())

    assert response.status_code == 302
    assert response["Location"] == events_url(case)
    pm = PostMortem.objects.get(case=case)
    assert (pm.pm_type, pm.performed_on, pm.report_received_on) == (
        "coronial",
        D(2026, 11, 3),
        None,
    )
    assert pm.recorded_by == alice
    created = LogEntry.objects.get_for_object(pm).get(action=LogEntry.Action.CREATE)
    assert created.actor == alice
    assert created.additional_data == {"area_id": case.area_id, "case": case.reference}


def test_the_list_shows_the_event_and_records_that_it_was_read(client_for, alice, case):
    pm = PostMortemFactory(case=case, recorded_by=alice)

    response = client_for(alice).get(events_url(case))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Coronial (ordered by the coroner)" in page
    assert "Waiting for the post-mortem report since 3 November 2026" in page
    assert LogEntry.objects.get_for_object(pm).filter(action=LogEntry.Action.ACCESS).exists()


def test_kim_as_key_worker_of_the_case_records_a_coroner_referral(client_for, kim, case):
    data = {
        **date_fields("informed_on", D(2026, 10, 1)),
        **date_fields("decision_on", D(2026, 10, 5)),
        "coroner_office": "Synthetic Coroner's Office",
        "decision": "investigation_opened",
        "notes": "",
    }

    response = client_for(kim).post(events_url(case, "coroner/add/"), data)

    assert response.status_code == 302
    referral = CoronerReferral.objects.get(case=case)
    assert (referral.decision, referral.decision_on) == ("investigation_opened", D(2026, 10, 5))
    assert LogEntry.objects.get_for_object(referral).get().actor == kim


def test_alice_records_a_medical_examiner_review(client_for, alice, case):
    data = {
        **date_fields("reviewed_on", D(2026, 10, 3)),
        **date_fields("mccd_issued_on", D(2026, 10, 4)),
        "medical_examiner": "Dr Synthetic",
        "outcome": "cause_agreed",
        "cause_of_death_proposed": "1a Bronchiolitis",
        "notes": "",
    }

    response = client_for(alice).post(events_url(case, "medical-examiner/add/"), data)

    assert response.status_code == 302
    review = MedicalExaminerReview.objects.get(case=case)
    assert (review.outcome, review.mccd_issued_on) == ("cause_agreed", D(2026, 10, 4))


def test_alice_records_the_report_and_the_change_is_audited(client_for, alice, case):
    pm = PostMortemFactory(case=case)

    response = client_for(alice).post(
        events_url(case, f"post-mortem/{pm.pk}/"),
        post_mortem_form(report_received_on=D(2026, 11, 20), cause_of_death="1a Sepsis"),
    )

    assert response.status_code == 302
    pm.refresh_from_db()
    assert (pm.report_received_on, pm.cause_of_death) == (D(2026, 11, 20), "1a Sepsis")
    update = LogEntry.objects.get_for_object(pm).get(action=LogEntry.Action.UPDATE)
    assert update.actor == alice
    assert "report_received_on" in update.changes_dict


def test_the_edit_form_shows_what_was_recorded(client_for, alice, case):
    pm = PostMortemFactory(case=case)

    response = client_for(alice).get(events_url(case, f"post-mortem/{pm.pk}/"))

    assert response.status_code == 200
    assert 'name="performed_on_day" value="3"' in response.content.decode()


def test_an_inquest_concludes_with_a_narrative(client_for, alice, case):
    inquest = InquestFactory(case=case)

    response = client_for(alice).post(
        events_url(case, f"inquest/{inquest.pk}/"),
        inquest_form(
            adjourned_on=D(2026, 10, 8),
            resumed_on=D(2026, 11, 16),
            concluded_on=D(2026, 11, 18),
            conclusion="narrative",
            conclusion_text="The child died of an unrecognised infection.",
            pfd_report="on",
        ),
    )

    assert response.status_code == 302
    inquest.refresh_from_db()
    assert (inquest.conclusion, inquest.pfd_report) == ("narrative", True)


# Bad input: a 400 with the form again and the message next to the field


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"performed_on": D(2026, 11, 28)},
            "The date the post-mortem was performed must be today or in the past",
        ),
        (
            {"report_received_on": D(2026, 11, 1)},
            "The date the report was received must be on or after the date the post-mortem "
            "was performed",
        ),
        (
            {"performed_on": None, "report_received_on": D(2026, 11, 20)},
            "Enter the date the post-mortem was performed: a report has been received",
        ),
        (
            {"performed_on": D(2026, 10, 1), "requested_on": D(2026, 10, 2)},
            "The date the post-mortem was performed must be on or after the date it was requested",
        ),
        (
            {"requested_on": D(2026, 9, 30), "performed_on": None},
            "The date the post-mortem was requested must be on or after the date of death "
            "(1 October 2026)",
        ),
        (
            {"pm_type": "none"},
            "There was no post-mortem, so remove the date performed",
        ),
        ({"pm_type": ""}, "Select the type of post-mortem, or ‘No post-mortem’"),
    ],
)
def test_it_refuses_a_post_mortem_with_wrong_dates(client_for, alice, case, overrides, message):
    response = client_for(alice).post(
        events_url(case, "post-mortem/add/"), post_mortem_form(**overrides)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert escape(message) in page
    assert not PostMortem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"resumed_on": D(2026, 11, 1)},
            "Enter the date the inquest was adjourned: it has resumed",
        ),
        (
            {"adjourned_on": D(2026, 10, 7)},
            "The date the inquest was adjourned must be on or after the date it opened",
        ),
        (
            {"concluded_on": D(2026, 11, 1)},
            "Select the inquest&#x27;s conclusion",
        ),
        ({"conclusion": "open"}, "Enter the date the inquest concluded, or remove the conclusion"),
        (
            {"concluded_on": D(2026, 11, 1), "conclusion": "narrative"},
            "Enter the coroner&#x27;s narrative conclusion",
        ),
        (
            {"adjourned_on": D(2026, 10, 9), "concluded_on": D(2026, 10, 8), "conclusion": "open"},
            "The date the inquest concluded must be on or after the date it was adjourned",
        ),
        ({"opened_on": None}, "Enter the date the inquest opened"),
        ({"opened_on": D(2027, 1, 5)}, "The date the inquest opened must be today or in the past"),
    ],
)
def test_it_refuses_an_inquest_with_wrong_dates(client_for, alice, case, overrides, message):
    response = client_for(alice).post(events_url(case, "inquest/add/"), inquest_form(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Inquest.objects.exists()


def test_it_refuses_a_coroner_decision_before_the_coroner_was_informed(client_for, alice, case):
    data = {
        **date_fields("informed_on", D(2026, 10, 5)),
        **date_fields("decision_on", D(2026, 10, 4)),
        "coroner_office": "",
        "decision": "no_investigation",
        "notes": "typed text survives",
    }

    response = client_for(alice).post(events_url(case, "coroner/add/"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "must be on or after the date they were informed" in page
    assert "typed text survives" in page
    assert not CoronerReferral.objects.exists()


def test_it_refuses_an_mccd_issued_before_the_review(client_for, alice, case):
    data = {
        **date_fields("reviewed_on", D(2026, 10, 5)),
        **date_fields("mccd_issued_on", D(2026, 10, 4)),
        "outcome": "cause_agreed",
    }

    response = client_for(alice).post(events_url(case, "medical-examiner/add/"), data)

    assert response.status_code == 400
    assert "The date the MCCD was issued must be on or after the date of the review" in (
        response.content.decode()
    )


def test_the_service_holds_a_caller_without_the_form_to_the_same_rules(alice, case):
    from cdop.core.errors import DomainError
    from cdop.investigations.kinds import KINDS
    from cdop.investigations.services import event_record

    with pytest.raises(DomainError) as refused:
        event_record(
            kind=KINDS["post-mortem"],
            case=case,
            by=alice,
            values={"pm_type": "hospital", "report_received_on": D(2026, 11, 1)},
        )

    assert refused.value.field == "performed_on"
    assert not PostMortem.objects.exists()


# Who may see and change events


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim_not_key_worker"])
def test_people_without_the_case_get_a_404_everywhere(request, client_for, case, persona):
    if persona == "kim_not_key_worker":
        # kim, but on a case whose key worker is someone else
        from cdop.core.tests.factories import UserFactory

        user = request.getfixturevalue("kim")
        case.key_worker = UserFactory()
        case.save()
    else:
        user = request.getfixturevalue(persona)
    pm = PostMortemFactory(case=case)
    client = client_for(user)

    for url in (
        events_url(case),
        events_url(case, "post-mortem/add/"),
        events_url(case, f"post-mortem/{pm.pk}/"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(events_url(case, "post-mortem/add/"), post_mortem_form()).status_code == 404
    assert PostMortem.objects.count() == 1


def test_an_event_of_another_case_or_kind_is_a_404(client_for, alice, case, llr):
    other = PostMortemFactory(case=CaseFactory(area=llr))
    client = client_for(alice)

    assert client.get(events_url(case, f"post-mortem/{other.pk}/")).status_code == 404
    assert client.get(events_url(case, f"inquest/{other.pk}/")).status_code == 404
    assert client.get(events_url(case, "autopsy/add/")).status_code == 404


# The meeting waits for the post-mortem report


def transition(client, case: Case, name: str):
    return client.post(f"/staff/cases/{case.reference}/transition/{name}/", {"reason": ""})


def test_an_awaited_report_refuses_the_meeting_with_the_reason(client_for, alice, case):
    PostMortemFactory(case=case)

    response = transition(client_for(alice), case, "case_ready_for_cdrm")

    assert response.status_code == 400
    assert "waiting for the post-mortem report since 3 November 2026" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.INFORMATION_GATHERING
    assert not case.transitions.filter(name="case_ready_for_cdrm").exists()


def test_an_awaited_report_refuses_recording_the_meeting_as_held(client_for, alice, llr):
    case = opened_case(area=llr, status=Status.AWAITING_CDRM)
    PostMortemFactory(case=case, performed_on=None, requested_on=D(2026, 10, 2))

    response = transition(client_for(alice), case, "case_record_cdrm_held")

    assert response.status_code == 400
    assert "waiting for the post-mortem report since 2 October 2026" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CDRM


def test_once_the_report_is_received_the_case_moves_on(client_for, alice, case):
    PostMortemFactory(case=case, report_received_on=D(2026, 11, 20))
    PostMortemFactory(case=case, pm_type="none", performed_on=None)

    response = transition(client_for(alice), case, "case_ready_for_cdrm")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CDRM


def test_an_inquest_not_concluded_explains_but_does_not_hold_the_meeting(client_for, alice, case):
    InquestFactory(case=case)

    blockers = investigation_blockers([case.pk])[case.pk]
    assert [(b.kind, b.reason, b.blocks) for b in blockers] == [
        ("inquest", "Inquest not yet concluded (opened 8 October 2026)", frozenset())
    ]
    assert cdrm_blockers(case=case) == []
    response = transition(client_for(alice), case, "case_ready_for_cdrm")
    assert response.status_code == 302


def test_cdrm_blockers_names_the_awaited_report(case):
    PostMortemFactory(case=case)
    InquestFactory(case=case)

    assert [b.kind for b in cdrm_blockers(case=case)] == ["post_mortem_report"]
    assert cdrm_blockers(case=case)[0].since == D(2026, 11, 3)


# On the case page and in the chronology


def test_the_case_page_summarises_the_events(client_for, alice, case):
    CoronerReferralFactory(case=case, decision="investigation_opened")
    PostMortemFactory(case=case)
    InquestFactory(case=case, adjourned_on=D(2026, 10, 8))
    MedicalExaminerReviewFactory(case=case, outcome="referred_to_coroner")

    page = client_for(alice).get(f"/staff/cases/{case.reference}/section/events/").content.decode()

    assert 'id="events"' in page
    assert "Decision: investigation opened." in page
    assert (
        "Coronial post-mortem, performed 3 November 2026; report awaited since 3 November 2026."
        in page
    )
    assert "Opened 8 October 2026, adjourned 8 October 2026." in page
    assert "Reviewed 3 October 2026: Referred to the coroner." in page
    assert "Waiting for the post-mortem report since 3 November 2026" in page


def test_the_chronology_has_each_dated_moment(alice, case):
    PostMortemFactory(case=case, report_received_on=D(2026, 11, 20), cause_of_death="1a Sepsis")
    InquestFactory(case=case)

    entries = chronology_for_case(
        user=alice, case=case, kinds=["post_mortem", "inquest", "coroner", "medical_examiner"]
    )

    assert [(e.at.date(), e.title) for e in entries] == [
        (D(2026, 10, 2), "Post-mortem requested"),
        (D(2026, 10, 8), "Inquest opened"),
        (D(2026, 11, 3), "Post-mortem performed"),
        (D(2026, 11, 20), "Post-mortem report received"),
    ]
    assert entries[-1].detail == "1a Sepsis"


def test_a_notifier_expecting_a_post_mortem_is_explained_until_one_is_recorded(
    client_for, alice, case
):
    from cdop.core.tests.factories import NotificationFactory

    NotificationFactory(area=case.area, case=case, post_mortem="yes")
    NotificationFactory(area=case.area, case=case, post_mortem="yes")

    blockers = investigation_blockers([case.pk])[case.pk]
    page = client_for(alice).get(case.get_absolute_url()).content.decode()

    assert [(b.kind, b.blocks) for b in blockers] == [("post_mortem_unrecorded", frozenset())]
    assert "A notifier said there would be a post-mortem, but none is recorded" in page
    PostMortemFactory(case=case, pm_type="none", performed_on=None)
    assert investigation_blockers([case.pk]) == {}


@pytest.mark.parametrize("events", [0, 1, 5])
def test_the_case_section_and_blockers_run_the_same_queries_however_many_events(
    rf, alice, case, events, django_assert_num_queries
):
    from cdop.investigations.integration import section_context

    for _ in range(events):
        PostMortemFactory(case=case)
        InquestFactory(case=case)
        CoronerReferralFactory(case=case)
        MedicalExaminerReviewFactory(case=case)
    from cdop.accounts import permissions

    request = rf.get("/")
    request.user = alice
    permissions.roles_in_area(alice, case.area_id)  # the roles are read once per session

    with django_assert_num_queries(5):  # four kinds, then the blockers in one statement
        section_context(request, case)
