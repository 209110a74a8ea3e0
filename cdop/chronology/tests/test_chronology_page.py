from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry

from cdop.chronology import registry
from cdop.chronology.registry import Entry, Kind
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import error_summary_targets

# Later than anything the other steps record for the story (their clocks run to today).
FUTURE = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)


def page_url(case, query=""):
    return f"/staff/cases/{case.reference}/chronology/" + (f"?{query}" if query else "")


def titles(response):
    return [entry.title for entry, _label in response.context["rows"]]


def test_the_chronology_tells_the_story_newest_first_with_who_and_when(client_for, alice, story):
    response = client_for(alice).get(page_url(story))

    assert response.status_code == 200
    ours = [t for t in titles(response) if not t.startswith(("Task", "Clock"))]
    first, second = story.notifications.order_by("received_at")
    assert ours.index("Status changed: Notified → Information gathering") < ours.index(
        f"Where the child lived decided by hand on notification {first.reference}"
    )
    assert ours.index(f"Notification {second.reference} added to this case") < ours.index(
        "Case opened (notified)"
    )
    assert ours[-1] == f"Notification {first.reference} received"
    page = response.content.decode()
    assert "Sam Notifier, Paediatric registrar, Synthetic Hospitals NHS Trust" in page
    assert "Jo Police, Detective sergeant, Synthetic Constabulary" in page
    assert "Synthetic circumstances for a test." in page
    assert "Placed with foster carers in Leicester" in page
    assert "Agency forms sent" in page
    assert "Alice Manager" in page
    assert "9 November 2026, 10:00" in page


def test_reading_the_chronology_is_recorded_as_a_read_of_the_case(client_for, alice, story, llr):
    client_for(alice).get(page_url(story))

    read = LogEntry.objects.get_for_object(story).get(action=LogEntry.Action.ACCESS)
    assert read.actor == alice
    assert read.additional_data == {"area_id": llr.pk}


def test_oldest_first_turns_the_order_round(client_for, alice, story):
    response = client_for(alice).get(page_url(story, "order=oldest"))

    first = story.notifications.order_by("received_at").first()
    assert titles(response)[0] == f"Notification {first.reference} received"


def test_it_filters_by_kind(client_for, alice, story):
    response = client_for(alice).get(page_url(story, "kind=status"))

    assert titles(response) == [
        "Status changed: Notified → Information gathering",
        "Case opened (notified)",
    ]
    assert 'value="status" checked' in response.content.decode()


def test_it_filters_by_dates_both_days_included(client_for, alice, story):
    query = "date_from_day=3&date_from_month=11&date_from_year=2026"
    query += "&date_to_day=5&date_to_month=11&date_to_year=2026"

    response = client_for(alice).get(page_url(story, query + "&kind=status&kind=transfer"))

    second = story.notifications.order_by("received_at").last()
    assert titles(response) == [
        f"Notification {second.reference} added to this case",
        "Case opened (notified)",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from_day=31&date_from_month=2&date_from_year=2026", "From must be a real date"),
        (
            "date_from_day=99&date_from_month=99&date_from_year=abc",
            "From must be a real date, written in numbers",
        ),
        ("date_to_day=1&date_to_month=1", "To must include a year"),
        (
            "date_from_day=5&date_from_month=11&date_from_year=2026"
            "&date_to_day=1&date_to_month=11&date_to_year=2026",
            "The ‘to’ date must be the same as or after the ‘from’ date",
        ),
        ("kind=nonsense", "Select only the kinds of entry listed"),
        ("order=sideways", "Select newest first or oldest first"),
    ],
)
def test_bad_filters_show_the_form_again_with_a_message(client_for, alice, story, query, message):
    response = client_for(alice).get(page_url(story, query))

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert error_summary_targets(page)  # each link goes to an input on the page


@pytest.mark.parametrize("persona", ["olu", "chris", "pat", "kim"])
def test_people_who_cannot_see_the_case_get_404(request, client_for, story, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(page_url(story)).status_code == 404
    assert client.get(page_url(story) + "pdf/").status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_kim_reads_the_chronology_of_the_case_she_is_key_worker_for(client_for, kim, llr):
    case = CaseFactory(area=llr, key_worker=kim)

    assert client_for(kim).get(page_url(case)).status_code == 200


def test_any_registered_provider_appears_with_its_kind(client_for, alice, story, monkeypatch):
    def meetings(user, case):
        return [Entry(at=FUTURE, kind="meeting", title="Review meeting held", by="Chris Chair")]

    monkeypatch.setitem(registry._KINDS, "meeting", Kind("meeting", "Meetings"))
    monkeypatch.setitem(registry._PROVIDERS, "meetings", meetings)

    response = client_for(alice).get(page_url(story))

    assert titles(response)[0] == "Review meeting held"
    page = response.content.decode()
    assert 'value="meeting"' in page
    assert "Meetings" in page


def test_the_case_page_shows_the_latest_ten_entries_and_links_to_the_chronology(
    client_for, alice, story, monkeypatch
):
    def many(user, case):
        return [
            Entry(at=FUTURE + datetime.timedelta(days=i), kind="meeting", title=f"Entry {i}")
            for i in range(12)
        ]

    monkeypatch.setitem(registry._PROVIDERS, "many", many)

    response = client_for(alice).get(f"/staff/cases/{story.reference}/section/chronology/")

    page = response.content.decode()
    assert 'id="chronology"' in page
    assert "Entry 11" in page
    assert "Entry 2<" in page
    assert "Entry 1<" not in page
    assert f'href="/staff/cases/{story.reference}/chronology/"' in page


def test_a_filter_not_yet_used_shows_the_blank_fields_django_renders(client_for, alice, story):
    from cdop.chronology.forms import NEWEST_FIRST, ChronologyFilterForm
    from cdop.chronology.views import FILTER_FIELDS

    blank = ChronologyFilterForm(None, initial={"order": NEWEST_FIRST})

    page = client_for(alice).get(page_url(story)).content.decode()

    for name in FILTER_FIELDS:
        assert str(blank[name].as_field_group()) in page


def test_a_filter_used_shows_the_dates_given_not_the_blank_fields(client_for, alice, story):
    query = "date_from_day=5&date_from_month=11&date_from_year=2026&order=oldest"

    page = client_for(alice).get(page_url(story, query)).content.decode()

    assert 'name="date_from_day"' in page
    assert 'value="5"' in page
    assert 'value="2026"' in page
    assert 'value="oldest" id="id_order_1" checked>' in page
