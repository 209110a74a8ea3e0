"""From a meeting's agenda item, the chair records the actions agreed and the escalations to
the Safeguarding Children Partnership, seeing the item's anonymised label, never a name."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from cdop.actions.models import Action, ActionStatusChange
from cdop.actions.tests.factories import ActionFactory, meeting_with_item
from cdop.actions.tests.test_actions import action_form
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.investigations.tests.helpers import date_fields, opened_case
from cdop.meetings.models import AgendaItem
from cdop.safeguarding.models import SafeguardingConcern, SafeguardingReferral

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def case(llr: object) -> Case:
    return opened_case(area=llr, status=Status.AWAITING_PANEL)


@pytest.fixture
def item(case, chris, pat) -> AgendaItem:
    return meeting_with_item(case=case, chair=chris, member=pat)


def new_analysis(case: Case) -> object:
    from cdop.analysis.models import Analysis, AnalysisFormVersion
    from cdop.core.tests.factories import UserFactory

    by = UserFactory()
    now = timezone.now()
    return Analysis.objects.create(
        case=case,
        form_version=AnalysisFormVersion.objects.order_by("-pk").first(),
        created_at=now,
        created_by=by,
        updated_at=now,
        updated_by=by,
    )


def url(item: AgendaItem, tail: str = "") -> str:
    return f"/staff/meetings/{item.meeting_id}/items/{item.pk}/actions/{tail}"


def test_the_chair_adds_an_action_agreed_at_the_panel(client_for, chris, item, case) -> None:
    response = client_for(chris).post(url(item, "add/"), action_form())

    assert response.status_code == 302
    assert response["Location"] == url(item)
    action = Action.objects.get(case=case)
    assert action.agenda_item == item
    assert action.created_by == chris
    assert ActionStatusChange.objects.get(action=action).reason == "Agreed at the panel"


def test_the_chair_sees_the_label_never_the_name_or_reference(
    client_for, chris, item, case
) -> None:
    ActionFactory(case=case)

    for tail in ("", "add/", "escalations/add/"):
        body = client_for(chris).get(url(item, tail)).content.decode()
        assert item.label in body
        assert case.child_first_name not in body
        assert case.child_last_name not in body
        assert case.reference not in body


def test_an_action_can_come_from_a_recommendation_of_the_analysis(
    client_for, chris, item, case
) -> None:
    from cdop.analysis.models import Recommendation

    analysis = new_analysis(case)
    recommendation = Recommendation.objects.create(
        analysis=analysis, position=1, text="Share safe sleep advice with every family."
    )

    form = client_for(chris).get(url(item, "add/")).content.decode()
    assert "Share safe sleep advice" in form
    client_for(chris).post(url(item, "add/"), action_form(recommendation=recommendation.pk))

    assert Action.objects.get(case=case).recommendation == recommendation


def test_a_recommendation_of_another_case_is_refused(client_for, chris, item, case, llr) -> None:
    from cdop.analysis.models import Recommendation

    other = new_analysis(opened_case(area=llr))
    foreign = Recommendation.objects.create(analysis=other, position=1, text="Elsewhere")
    Recommendation.objects.create(analysis=new_analysis(case), position=1, text="Ours")

    response = client_for(chris).post(url(item, "add/"), action_form(recommendation=foreign.pk))

    assert response.status_code == 400
    assert "Choose a recommendation from the list" in response.content.decode()
    assert not Action.objects.exists()


def test_a_member_reads_the_actions_but_cannot_add_them(client_for, pat, item) -> None:
    client = client_for(pat)

    page = client.get(url(item))
    assert page.status_code == 200
    assert "Add an action" not in page.content.decode()
    assert client.get(url(item, "add/")).status_code == 404
    assert client.post(url(item, "add/"), action_form()).status_code == 404
    assert not Action.objects.exists()


def test_a_chair_not_invited_and_another_area_get_a_404(client_for, case, olu, kim, chris) -> None:
    item = meeting_with_item(case=case)  # nobody invited

    for user in (chris, olu, kim):
        assert client_for(user).get(url(item)).status_code == 404
        assert client_for(user).post(url(item, "add/"), action_form()).status_code == 404


def test_an_item_of_another_meeting_is_a_404(client_for, chris, item, case, llr) -> None:
    other = meeting_with_item(case=opened_case(area=llr), chair=chris)

    response = client_for(chris).get(f"/staff/meetings/{item.meeting_id}/items/{other.pk}/actions/")

    assert response.status_code == 404


def test_bad_input_from_the_chair_is_refused_and_kept(client_for, chris, item) -> None:
    response = client_for(chris).post(url(item, "add/"), action_form(owner_email=""))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the owner&#x27;s contact email" in body
    assert "Remind parents of safe sleep advice" in body


def escalation_form(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "what": "The panel is concerned that the advice on co-sleeping was not repeated.",
        "sent_on": D(2027, 2, 26),
        "sent_by": "Chair of the panel",
    }
    values.update(overrides)
    data: dict[str, str] = {}
    for name, value in values.items():
        if name.endswith("_on"):
            data.update(date_fields(name, value))  # type: ignore[arg-type]
        else:
            data[name] = str(value)
    return data


def test_the_chair_records_an_escalation_as_a_safeguarding_referral(
    client_for, chris, item, case
) -> None:
    response = client_for(chris).post(url(item, "escalations/add/"), escalation_form())

    assert response.status_code == 302
    concern = SafeguardingConcern.objects.get(case=case)
    assert concern.raised_by == "The Child Death Overview Panel"
    assert concern.description.startswith("The panel is concerned")
    assert concern.abuse_or_neglect is False
    referral = SafeguardingReferral.objects.get(concern=concern)
    assert (referral.recipient, referral.sent_on, referral.sent_by) == (
        "partnership",
        D(2027, 2, 26),
        "Chair of the panel",
    )
    assert LogEntry.objects.filter(
        content_type__model="safeguardingreferral", object_pk=str(referral.pk)
    ).exists()


def test_the_reply_is_recorded_with_its_date(client_for, chris, item, case, alice) -> None:
    client_for(chris).post(url(item, "escalations/add/"), escalation_form())
    referral = SafeguardingReferral.objects.get(case=case)

    response = client_for(chris).post(
        url(item, f"escalations/{referral.pk}/reply/"),
        {"reply": "A learning review will be held.", **date_fields("replied_on", D(2027, 2, 28))},
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.decision, referral.decision_on) == (
        "A learning review will be held.",
        D(2027, 2, 28),
    )
    page = client_for(chris).get(url(item)).content.decode()
    assert "A learning review will be held." in page
    # The review team sees it on the case's safeguarding page.
    safeguarding = client_for(alice).get(f"/staff/cases/{case.reference}/safeguarding/")
    assert "A learning review will be held." in safeguarding.content.decode()


def test_a_reply_before_the_escalation_was_sent_is_refused(client_for, chris, item, case) -> None:
    client_for(chris).post(url(item, "escalations/add/"), escalation_form())
    referral = SafeguardingReferral.objects.get(case=case)

    response = client_for(chris).post(
        url(item, f"escalations/{referral.pk}/reply/"),
        {"reply": "Too early.", **date_fields("replied_on", D(2027, 2, 1))},
    )

    assert response.status_code == 400
    assert "on or after the date the escalation was sent" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"what": ""}, "Enter what was sent to the Partnership"),
        ({"sent_on": D(2027, 3, 5)}, "The date it was sent must be today or in the past"),
        ({"sent_on": None}, "Enter the date it was sent"),
    ],
)
def test_a_bad_escalation_is_refused(client_for, chris, item, overrides, message) -> None:
    response = client_for(chris).post(url(item, "escalations/add/"), escalation_form(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SafeguardingConcern.objects.exists()


def test_a_member_cannot_escalate(client_for, pat, item) -> None:
    assert client_for(pat).post(url(item, "escalations/add/"), escalation_form()).status_code == 404
    assert not SafeguardingConcern.objects.exists()


def test_a_reply_to_a_referral_not_from_the_panel_is_a_404(client_for, chris, item, case) -> None:
    from cdop.safeguarding.tests.factories import SafeguardingReferralFactory

    referral = SafeguardingReferralFactory(concern__case=case)

    response = client_for(chris).get(url(item, f"escalations/{referral.pk}/reply/"))

    assert response.status_code == 404
