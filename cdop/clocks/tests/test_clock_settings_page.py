from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from cdop.clocks.models import ClockSettings

pytestmark = pytest.mark.django_db

VALID = {
    "notification_hours": "24",
    "jar_hours": "72",
    "cdrm_months": "4",
    "panel_months": "6",
    "safeguarding_notify_working_days": "5",
    "safeguarding_rapid_review_working_days": "15",
}


def test_an_administrator_is_sent_to_their_areas_timescales_with_the_defaults(llr, ada, client_for):
    client = client_for(ada)

    page = client.get("/staff/clocks/", follow=True)

    assert page.redirect_chain[-1][0] == f"/staff/clocks/{llr.slug}/"
    text = page.content.decode()
    assert 'name="cdrm_months" value="3"' in text
    assert 'name="safeguarding_rapid_review_working_days" value="15"' in text


def test_an_administrator_changes_the_timescales_and_the_change_is_audited(llr, ada, client_for):
    response = client_for(ada).post(f"/staff/clocks/{llr.slug}/", VALID)

    assert response.status_code == 302
    row = ClockSettings.objects.get(area=llr)
    assert (row.jar_hours, row.cdrm_months) == (72, 4)
    entry = LogEntry.objects.get_for_object(row).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == ada
    assert entry.additional_data == {"area_id": llr.pk}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cdrm_months", "", "Enter a number for child death review meeting"),
        ("cdrm_months", "three", "Child death review meeting must be a whole number, like 3"),
        ("jar_hours", "0", "Joint Agency Response must be 1 or more"),
        ("panel_months", "1000", "Panel review must be 999 or less"),
    ],
)
def test_it_refuses_a_bad_timescale_and_shows_the_form_again_with_what_was_typed(
    llr, ada, client_for, field, value, message
):
    response = client_for(ada).post(f"/staff/clocks/{llr.slug}/", {**VALID, field: value})

    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert 'name="jar_hours" value="72"' in text or field == "jar_hours"
    assert ClockSettings.objects.get(area=llr).cdrm_months == 3


@pytest.mark.parametrize("persona", ["alice", "devi", "kim", "chris", "pat", "olu"])
def test_only_the_areas_administrators_may_see_or_change_its_timescales(
    request, llr, client_for, persona
):
    client = client_for(request.getfixturevalue(persona))

    assert client.get("/staff/clocks/").status_code == 404
    assert client.get(f"/staff/clocks/{llr.slug}/").status_code == 404
    assert client.post(f"/staff/clocks/{llr.slug}/", VALID).status_code == 404
    assert not ClockSettings.objects.filter(area=llr, jar_hours=72).exists()


def test_an_unknown_area_is_not_found(ada, client_for):
    assert client_for(ada).get("/staff/clocks/nowhere/").status_code == 404


def test_someone_without_a_second_factor_is_sent_to_set_one_up_and_changes_nothing(
    llr, charlie, client_for
):
    response = client_for(charlie).post(f"/staff/clocks/{llr.slug}/", VALID)

    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]
    assert not ClockSettings.objects.filter(area=llr).exists()
