"""Family feedback: when the panel's review is recorded, the key worker has a task to tell
the family; the letter comes from the family app's template; recording when and how the
family were told completes the task."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from cdop.actions.feedback import FEEDBACK_RULE, family_feedback_record
from cdop.actions.models import FamilyFeedback
from cdop.cases.models import Case, Task
from cdop.cases.services import case_record_panel_review
from cdop.cases.workflow import Status
from cdop.chronology.registry import chronology_for_case
from cdop.core.errors import DomainError
from cdop.family.models import Letter, LetterKind
from cdop.investigations.tests.helpers import date_fields, opened_case

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def case(llr: object, kim) -> Case:
    return opened_case(area=llr, status=Status.AWAITING_PANEL, key_worker=kim)


def feedback_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "told_on": D(2027, 3, 1),
        "method": "visit",
        "note": "",
        "letter": "",
    }
    values.update(overrides)
    data: dict[str, str] = {}
    for name, value in values.items():
        if name.endswith("_on"):
            data.update(date_fields(name, value))  # type: ignore[arg-type]
        else:
            data[name] = str(value)
    return data


def url(case: Case) -> str:
    return f"/staff/cases/{case.reference}/actions/family-feedback/"


def test_the_panels_review_gives_the_key_worker_one_task(case, alice, kim) -> None:
    case_record_panel_review(case=case, by=alice)

    tasks = Task.objects.filter(case=case, rule=FEEDBACK_RULE)
    assert tasks.count() == 1
    task = tasks.get()
    assert task.assigned_to == kim
    assert task.title == "Tell the family the outcome of the review"
    assert task.completed_at is None


@override_settings(WORK_TASK_RULES=())
def test_without_the_work_rule_the_task_is_made_here_due_in_ten_working_days(
    case, alice, kim
) -> None:
    case_record_panel_review(case=case, by=alice)  # Monday 1 March 2027

    task = Task.objects.get(case=case, rule=FEEDBACK_RULE)
    assert task.assigned_to == kim
    assert task.due_at.date() == D(2027, 3, 15)  # ten working days later


@override_settings(WORK_TASK_RULES=())
def test_with_no_key_worker_the_task_goes_to_the_key_workers(llr, alice) -> None:
    case = opened_case(area=llr, status=Status.AWAITING_PANEL)

    case_record_panel_review(case=case, by=alice)

    task = Task.objects.get(case=case, rule=FEEDBACK_RULE)
    assert (task.assigned_to, task.assigned_role) == (None, "key_worker")


def test_the_key_worker_records_the_family_were_told_and_the_task_is_done(
    client_for, case, alice, kim
) -> None:
    case_record_panel_review(case=case, by=alice)
    case.refresh_from_db()
    letter = Letter.objects.create(
        case=case,
        kind=LetterKind.REVIEW_OUTCOME,
        template_version=0,
        title="Letter about the outcome of the review",
        produced_at=datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC),
        produced_by=kim,
    )
    client = client_for(kim)
    page = client.get(url(case)).content.decode()
    assert "Letter about the outcome of the review, made on 1 March 2027" in page

    response = client.post(
        url(case), feedback_form(letter=letter.pk, note="They asked for a copy.")
    )

    assert response.status_code == 302
    told = FamilyFeedback.objects.get(case=case)
    assert (told.told_on, told.method, told.told_by, told.letter) == (
        D(2027, 3, 1),
        "visit",
        kim,
        letter,
    )
    task = Task.objects.get(case=case, rule=FEEDBACK_RULE)
    assert task.completed_by == kim
    assert task.completion_note == "The family were told the outcome on 1 March 2027 (visit)."
    assert told.task == task
    titles = [e.title for e in chronology_for_case(user=kim, case=case, kinds=["actions"])]
    assert titles == ["The family were told the panel's outcome"]
    actions_page = client.get(f"/staff/cases/{case.reference}/actions/").content.decode()
    assert "They asked for a copy." in actions_page


def test_it_cannot_be_recorded_before_the_panels_review(client_for, case, kim) -> None:
    response = client_for(kim).post(url(case), feedback_form())

    assert response.status_code == 400
    assert "The panel has not reviewed this case yet" in response.content.decode()
    assert not FamilyFeedback.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"told_on": D(2027, 3, 2)}, "must be today or in the past"),
        ({"told_on": D(2027, 2, 27)}, "must be on or after the panel&#x27;s review"),
        ({"told_on": None}, "Enter the date the family were told the outcome"),
        ({"method": "pigeon"}, "Select how the family were told"),
        ({"letter": "999999"}, "Choose a letter from the list"),
    ],
)
def test_bad_input_is_refused(client_for, case, alice, kim, overrides, message) -> None:
    case_record_panel_review(case=case, by=alice)

    response = client_for(kim).post(url(case), feedback_form(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FamilyFeedback.objects.exists()
    assert Task.objects.get(case=case, rule=FEEDBACK_RULE).completed_at is None


@pytest.mark.parametrize("persona", ["chris", "pat", "olu"])
def test_others_get_a_404(client_for, request, case, persona) -> None:
    user = request.getfixturevalue(persona)

    assert client_for(user).get(url(case)).status_code == 404
    assert client_for(user).post(url(case), feedback_form()).status_code == 404


def test_another_key_worker_gets_a_404(client_for, llr, case) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from cdop.core.tests.factories import MembershipFactory, UserFactory

    other = UserFactory(email="other.kw@llr.invalid")
    MembershipFactory(user=other, area=llr, role="key_worker")
    TOTP.activate(other, generate_totp_secret())

    assert client_for(other).get(url(case)).status_code == 404


def test_the_service_refuses_a_letter_of_another_case(case, alice, kim, llr) -> None:
    case_record_panel_review(case=case, by=alice)
    other = opened_case(area=llr)
    letter = Letter.objects.create(
        case=other,
        kind=LetterKind.REVIEW_OUTCOME,
        template_version=0,
        title="x",
        produced_at=datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC),
        produced_by=kim,
    )

    with pytest.raises(DomainError, match="Choose a letter"):
        family_feedback_record(
            case=case, by=kim, told_on=D(2027, 3, 1), method="phone", letter=letter
        )


def test_the_family_can_be_told_after_the_review_is_finalised(client_for, case, alice, kim):
    """Finalising locks the record, but not the follow-up: families are often told after
    the review is finalised, and that completes the key worker's task."""
    case_record_panel_review(case=case, by=alice)
    Case.objects.filter(pk=case.pk).update(status=Status.FINALISED, finalised_at=case.opened_at)
    client = client_for(kim)

    assert (
        "Record that the family were told"
        in client.get(f"/staff/cases/{case.reference}/actions/").content.decode()
    )
    response = client.post(url(case), feedback_form())

    assert response.status_code == 302
    assert FamilyFeedback.objects.get(case=case).told_by == kim
    assert Task.objects.get(case=case, rule=FEEDBACK_RULE).completed_by == kim
