"""The tracker: every action of the area across cases and years, filtered, paginated, with
a fixed number of queries whatever the page holds, and an audited CSV download."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdop.actions.models import ActionStatus
from cdop.actions.tests.conftest import LONDON
from cdop.actions.tests.factories import ActionFactory, OrganisationFactory
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.tests.helpers import page_of
from cdop.investigations.tests.helpers import opened_case

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def case(llr: object) -> Case:
    return opened_case(area=llr, status=Status.FINALISED)


def numbers(response) -> list[str]:
    body = response.content.decode()
    return sorted({"ACT-" + part[:5] for part in body.split(">ACT-")[1:]})


def test_a_manager_sees_the_actions_of_their_area_only(client_for, alice, case, other_area) -> None:
    mine = ActionFactory(case=case)
    elsewhere = ActionFactory(case=opened_case(area=other_area))

    response = client_for(alice).get("/staff/actions/")

    assert response.status_code == 200
    body = response.content.decode()
    assert mine.number in body
    assert elsewhere.number not in body


@pytest.mark.parametrize("persona", ["kim", "chris", "pat"])
def test_the_tracker_is_a_404_for_those_who_do_not_read_every_case(
    client_for, request, persona
) -> None:
    assert client_for(request.getfixturevalue(persona)).get("/staff/actions/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/staff/actions/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_filters_status_owner_overdue_year_and_words(client_for, alice, case, llr) -> None:
    trust = OrganisationFactory(area=llr, name="Synthetic Children's Hospital")
    overdue = ActionFactory(case=case, due_on=D(2027, 2, 1), description="Audit sepsis triage")
    done = ActionFactory(
        case=case,
        status=ActionStatus.DONE,
        evidence="Done",
        closed_on=D(2027, 2, 2),
        owner_organisation=trust,
        owner_name="",
        category="Sepsis",
    )
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=LONDON), tick=False):
        old = ActionFactory(case=case, description="Review water safety signs")
    client = client_for(alice)

    assert set(numbers(client.get("/staff/actions/?status=done"))) == {done.number}
    assert set(numbers(client.get("/staff/actions/?status=open_any"))) == {
        overdue.number,
        old.number,
    }
    assert set(numbers(client.get(f"/staff/actions/?organisation={trust.pk}"))) == {done.number}
    assert set(numbers(client.get("/staff/actions/?overdue=on"))) == {overdue.number}
    assert set(numbers(client.get("/staff/actions/?year=2025"))) == {old.number}
    assert set(numbers(client.get("/staff/actions/?q=sepsis"))) == {overdue.number, done.number}
    assert set(numbers(client.get("/staff/actions/?q=sepsis+audit"))) == {overdue.number}


def test_filters_that_make_no_sense_are_ignored_not_a_500(client_for, alice, case) -> None:
    ActionFactory(case=case)

    response = client_for(alice).get("/staff/actions/?status=nonsense&year=abc&organisation=x")

    assert response.status_code == 200
    assert "ACT-" in response.content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_reads_the_same_number_of_queries_for_one_action_or_a_full_page(
    client_for, alice, case, llr
) -> None:
    trust = OrganisationFactory(area=llr)
    client = client_for(alice)
    ActionFactory(case=case, owner_organisation=trust, owner_name="")
    client.get("/staff/actions/")  # the session settles
    one = _queries(client, "/staff/actions/")
    for n in range(60):
        ActionFactory(case=opened_case(area=llr), owner_organisation=trust if n % 2 else None)
    full = _queries(client, "/staff/actions/")
    second = _queries(client, "/staff/actions/?page=2")

    assert one == full == second


def test_pages_of_fifty(client_for, alice, case) -> None:
    for _ in range(51):
        ActionFactory(case=case)
    client = client_for(alice)

    first = client.get("/staff/actions/")
    second = client.get("/staff/actions/?page=2")

    assert page_of(first.content.decode()) == (1, 2)
    assert len(numbers(first)) == 50
    assert len(numbers(second)) == 1


def test_the_csv_download_is_audited_and_cannot_run_formulas(client_for, alice, case) -> None:
    ActionFactory(case=case, description='=HYPERLINK("http://bad.invalid")', category="+SUM(1)")

    response = client_for(alice).get("/staff/actions/?format=csv&status=open")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Action"
    assert rows[1][2].startswith("'=HYPERLINK")
    assert rows[1][3] == "'+SUM(1)"
    assert rows[1][1] == case.reference
    entry = LogEntry.objects.get(object_repr="action tracker export")
    assert entry.actor == alice
    assert entry.additional_data["results"] == 1
    assert entry.additional_data["filters"] == {"status": "open"}
    assert entry.additional_data["area_id"] == case.area_id


def test_the_csv_is_a_404_for_a_key_worker(client_for, kim) -> None:
    assert client_for(kim).get("/staff/actions/?format=csv").status_code == 404
    assert not LogEntry.objects.filter(object_repr="action tracker export").exists()


def test_the_year_is_the_panels_for_actions_agreed_at_a_meeting(client_for, alice, case) -> None:
    from cdop.actions.tests.factories import meeting_with_item

    item = meeting_with_item(case=case)
    item.meeting.starts_at = datetime.datetime(2026, 12, 10, 10, tzinfo=LONDON)
    item.meeting.save()
    at_the_panel = ActionFactory(case=case, agenda_item=item)  # recorded in 2027
    on_the_case = ActionFactory(case=case)
    client = client_for(alice)

    assert numbers(client.get("/staff/actions/?year=2026")) == [at_the_panel.number]
    assert numbers(client.get("/staff/actions/?year=2027")) == [on_the_case.number]


def test_the_pages_ids_come_first_and_rows_keep_the_due_order(client_for, alice, case) -> None:
    """The count and a page's ids come off the actions' own index; the rows of those ids are
    read after, and must come back soonest due first, ties in the order they were made."""
    made = [
        ActionFactory(case=case, due_on=D(2027, 3, 1) + datetime.timedelta(days=n % 7))
        for n in range(55)
    ]
    expected = [a.number for a in sorted(made, key=lambda a: (a.due_on, a.pk))]
    client = client_for(alice)

    shown = []
    for page in ("1", "2"):
        response = client.get(f"/staff/actions/?page={page}")
        shown += [row["pk"] for row in response.context["rows"]]

    assert response.context["page"].paginator.count == 55
    assert [a.number for a in sorted(made, key=lambda a: shown.index(a.pk))] == expected


def test_the_filters_show_what_was_chosen(client_for, alice, case, llr) -> None:
    trust = OrganisationFactory(area=llr, name="Synthetic <Children's> Hospital")
    ActionFactory(case=case, owner_organisation=trust, owner_name="")
    client = client_for(alice)

    chosen = client.get(f"/staff/actions/?status=done&organisation={trust.pk}&year=2026")
    blank = client.get("/staff/actions/?status=&organisation=&year=")
    unfiltered = client.get("/staff/actions/")

    body = chosen.content.decode()
    assert '<option value="done" selected>Done</option>' in body
    assert (
        f'<option value="{trust.pk}" selected>Synthetic &lt;Children&#x27;s&gt; Hospital</option>'
        in body
    )
    assert '<option value="2026" selected>2026</option>' in body
    # "Any status" is chosen when sent; the other blanks never are.
    assert blank.content.decode().count(" selected>") == 1
    assert '<option value="" selected>Any status</option>' in blank.content.decode()
    assert " selected>" not in unfiltered.content.decode()


def _counts(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured if "COUNT(" in q["sql"] and "cdop_cache" not in q["sql"]]


def test_the_unfiltered_count_is_kept_and_forgotten_when_an_action_is_added(
    client_for, alice, case
) -> None:
    from cdop.core.tests.helpers import committed

    with committed():
        ActionFactory(case=case)
    client = client_for(alice)

    counted = _counts(client, "/staff/actions/")
    kept = _counts(client, "/staff/actions/?page=1")
    filtered = _counts(client, "/staff/actions/?status=open")
    with committed():
        ActionFactory(case=case)
    after_add = client.get("/staff/actions/")

    assert len(counted) == 1
    assert kept == []
    assert len(filtered) == 1  # a filtered list is counted each time
    assert "2 actions" in after_add.content.decode()


def test_a_pages_rows_are_what_the_orms_tracker_rows_give(case, llr) -> None:
    from cdop.actions.models import Action
    from cdop.actions.selectors import tracker_page, tracker_rows

    trust = OrganisationFactory(area=llr)
    ActionFactory(case=case, owner_organisation=trust, owner_name="", category="Sepsis")
    ActionFactory(
        case=case,
        status=ActionStatus.DONE,
        evidence="Leaflet reprinted",
        closed_on=D(2027, 2, 2),
        description="Café <b>leaflet</b>",
    )
    actions = Action.objects.filter(area=llr).order_by("due_on", "pk")

    _page, rows = tracker_page(actions, number=1, size=50)

    assert rows == list(tracker_rows(actions))
