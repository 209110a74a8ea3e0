from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.accounts.models import Role
from cdop.cases import views
from cdop.cases.models import Case, Expectedness
from cdop.cases.presenters import csv_cell
from cdop.cases.tests.pages import is_listed
from cdop.cases.workflow import Status
from cdop.clocks.models import Clock
from cdop.core.tests.factories import CaseFactory, MembershipFactory, UserFactory
from cdop.core.tests.helpers import error_summary_targets, page_of

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def _page(client, **params) -> str:
    response = client.get("/staff/cases/", params)
    assert response.status_code == 200, response.text
    return response.text


def _order(page: str, *cases: Case) -> list[str]:
    """The references of these cases in the order the page lists them."""
    return sorted((c.reference for c in cases), key=lambda ref: page.index(f"{ref}/"))


def _clock(case: Case, *, due: datetime.datetime, stopped: datetime.datetime | None = None):
    return Clock.objects.create(
        case=case,
        kind="cdrm",
        label="Meeting",
        started_at=due - datetime.timedelta(days=90),
        due_at=due,
        stopped_at=stopped,
    )


# --- Filters ------------------------------------------------------------------------------


def test_it_filters_by_several_stages_at_once(llr, client_for, alice):
    gathering = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    waiting = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    fresh = CaseFactory(area=llr, status=Status.NOTIFIED)

    page = (
        client_for(alice)
        .get("/staff/cases/?status=information_gathering&status=awaiting_panel")
        .text
    )

    assert is_listed(page, gathering)
    assert is_listed(page, waiting)
    assert not is_listed(page, fresh)
    assert 'value="awaiting_panel" checked' in page


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("clock", "expected"),
    [("overdue", {"late"}), ("due_soon", {"soon"}), ("on_time", {"soon", "later", "none", "done"})],
)
def test_it_filters_by_the_worst_running_clock(llr, client_for, alice, clock, expected):
    cases = {name: CaseFactory(area=llr) for name in ("late", "soon", "later", "none", "done")}
    _clock(cases["late"], due=NOW - datetime.timedelta(days=1))
    _clock(cases["soon"], due=NOW + datetime.timedelta(days=3))
    _clock(cases["later"], due=NOW + datetime.timedelta(days=30))
    _clock(cases["done"], due=NOW - datetime.timedelta(days=10), stopped=NOW)

    page = _page(client_for(alice), clock=clock)

    assert {name for name, case in cases.items() if is_listed(page, case)} == expected


@time_machine.travel(NOW, tick=False)
def test_a_case_with_one_clock_overdue_is_not_due_soon(llr, client_for, alice):
    case = CaseFactory(area=llr)
    _clock(case, due=NOW - datetime.timedelta(days=1))
    Clock.objects.create(
        case=case, kind="panel", label="Panel", started_at=NOW, due_at=NOW + datetime.timedelta(1)
    )

    assert not is_listed(_page(client_for(alice), clock="due_soon"), case)
    assert is_listed(_page(client_for(alice), clock="overdue"), case)


def test_it_filters_by_key_worker_or_by_none_yet(llr, client_for, alice, kim):
    hers = CaseFactory(area=llr, key_worker=kim)
    nobody = CaseFactory(area=llr, key_worker=None)

    by_kim = _page(client_for(alice), key_worker=str(kim.pk))
    by_none = _page(client_for(alice), key_worker="none")

    assert is_listed(by_kim, hers)
    assert not is_listed(by_kim, nobody)
    assert is_listed(by_none, nobody)
    assert not is_listed(by_none, hers)


def test_the_key_workers_offered_are_those_of_the_users_areas(
    llr, other_area, client_for, alice, kim
):
    elsewhere = UserFactory(full_name="Elsewhere Keyworker")
    MembershipFactory(user=elsewhere, area=other_area, role=Role.KEY_WORKER)
    manager = UserFactory(full_name="Not A Keyworker")
    MembershipFactory(user=manager, area=llr, role=Role.CDR_MANAGER)

    page = _page(client_for(alice))

    assert f'<option value="{kim.pk}">Kim Keyworker</option>' in page
    assert '<option value="none">No key worker yet</option>' in page
    assert "Elsewhere Keyworker" not in page
    assert "Not A Keyworker" not in page


def test_a_key_worker_is_offered_once_and_only_while_active(llr, other_area, client_for, alice):
    both = UserFactory(full_name="Both Areas Keyworker")
    MembershipFactory(user=both, area=llr, role=Role.KEY_WORKER)
    MembershipFactory(user=alice, area=other_area, role=Role.CDR_MANAGER)
    MembershipFactory(user=both, area=other_area, role=Role.KEY_WORKER)
    gone = UserFactory(full_name="Gone Keyworker", is_active=False)
    MembershipFactory(user=gone, area=llr, role=Role.KEY_WORKER)

    page = _page(client_for(alice))

    assert page.count(f'<option value="{both.pk}">Both Areas Keyworker</option>') == 1
    assert "Gone Keyworker" not in page


def _chosen_options(page: str) -> int:
    """How many filters show a choice other than their "Any"."""
    return page.count(" selected>") - page.count('<option value="" selected>')


def test_the_chosen_filters_are_shown_chosen_and_no_others(llr, client_for, alice, kim):
    client = client_for(alice)

    first = _page(client, key_worker=str(kim.pk), status=["notified", "awaiting_panel"])
    second = _page(client, clock="overdue")

    assert f'<option value="{kim.pk}" selected>' in first
    assert _chosen_options(first) == 1
    assert first.count(" checked>") == 2
    assert 'value="notified" checked>' in first
    assert 'value="awaiting_panel" checked>' in first
    assert '<option value="overdue" selected>' in second
    assert _chosen_options(second) == 1
    assert " checked>" not in second


def test_kim_sees_only_her_cases_and_no_key_worker_filter(llr, client_for, kim):
    hers = CaseFactory(area=llr, key_worker=kim)
    not_hers = CaseFactory(area=llr, key_worker=None)

    page = _page(client_for(kim), key_worker="none")

    assert is_listed(page, hers)
    assert not is_listed(page, not_hers)
    assert 'name="key_worker"' not in page


def test_it_filters_by_expected_or_unexpected(llr, client_for, alice):
    expected = CaseFactory(area=llr, expectedness=Expectedness.EXPECTED)
    unexpected = CaseFactory(area=llr, expectedness=Expectedness.UNEXPECTED)

    page = _page(client_for(alice), expectedness="unexpected")

    assert is_listed(page, unexpected)
    assert not is_listed(page, expected)


def test_it_filters_by_calendar_year_of_death(llr, client_for, alice):
    new_year = CaseFactory(area=llr, date_of_death=datetime.date(2025, 1, 1))
    new_years_eve = CaseFactory(area=llr, date_of_death=datetime.date(2025, 12, 31))
    before = CaseFactory(area=llr, date_of_death=datetime.date(2024, 12, 31))

    page = _page(client_for(alice), year="2025")

    assert is_listed(page, new_year)
    assert is_listed(page, new_years_eve)
    assert not is_listed(page, before)


@pytest.mark.parametrize("sort", ["opened", "opened_oldest"])
def test_a_year_of_deaths_is_paged_in_order_like_any_list(
    llr, client_for, alice, monkeypatch, sort
):
    """A year's page is picked by id first (selectors.LateRows): the same cases in the same
    order, page after page, as the list read in one step."""
    start = datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)
    cases = [
        CaseFactory(
            area=llr,
            date_of_death=datetime.date(2025, 1 + i % 12, 1),
            opened_at=start + datetime.timedelta(days=i // 2),  # two opened at each time
        )
        for i in range(7)
    ]
    CaseFactory(area=llr, date_of_death=datetime.date(2024, 6, 1))
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client = client_for(alice)

    pages = [_page(client, year="2025", sort=sort, page=str(n)) for n in (1, 2, 3)]

    newest_first = sorted(cases, key=lambda c: (c.opened_at, c.pk), reverse=sort == "opened")
    listed = [c.reference for page in pages for c in newest_first if is_listed(page, c)]
    assert listed == [c.reference for c in newest_first]
    assert [_order(page, *[c for c in newest_first if is_listed(page, c)]) for page in pages] == [
        [c.reference for c in newest_first[n : n + 3]] for n in (0, 3, 6)
    ]
    assert "7 cases" in pages[0]


def test_the_reporting_year_runs_from_1_april_to_31_march(llr, client_for, alice):
    first_day = CaseFactory(area=llr, date_of_death=datetime.date(2025, 4, 1))
    last_day = CaseFactory(area=llr, date_of_death=datetime.date(2026, 3, 31))
    day_before = CaseFactory(area=llr, date_of_death=datetime.date(2025, 3, 31))
    day_after = CaseFactory(area=llr, date_of_death=datetime.date(2026, 4, 1))

    page = _page(client_for(alice), reporting_year="2025")

    assert is_listed(page, first_day)
    assert is_listed(page, last_day)
    assert not is_listed(page, day_before)
    assert not is_listed(page, day_after)
    assert "April 2025 to March 2026" in page


def test_filters_and_a_search_combine(llr, client_for, alice):
    match = CaseFactory(area=llr, child_last_name="Ashford", status=Status.AWAITING_PANEL)
    wrong_stage = CaseFactory(area=llr, child_last_name="Ashford", status=Status.NOTIFIED)

    page = _page(client_for(alice), q="Ashford", status="awaiting_panel")

    assert is_listed(page, match)
    assert not is_listed(page, wrong_stage)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "<b>"}, "Choose stages from the list"),
        ({"clock": "whenever"}, "Choose a timescale from the list"),
        ({"key_worker": "99999"}, "Choose a key worker from the list"),
        ({"expectedness": "maybe"}, "Choose expected, unexpected or not known yet"),
        ({"year": "1999"}, "Choose a year of death from the list"),
        ({"reporting_year": "abc"}, "Choose a reporting year from the list"),
        ({"sort": "random()"}, "Choose an order from the list"),
    ],
)
def test_a_value_not_on_a_filters_list_is_ignored_and_marked(
    llr, client_for, alice, params, message
):
    case = CaseFactory(area=llr)

    page = _page(client_for(alice), **params)

    assert is_listed(page, case)
    assert message in page
    assert "govuk-error-message" in page


def test_the_error_summary_for_a_bad_stage_links_to_the_first_stage_check_box(
    llr, client_for, alice
):
    page = _page(client_for(alice), status="bogus")

    assert "Choose stages from the list" in page
    assert error_summary_targets(page) == ["id_status_0"]


def test_one_requests_bad_filter_leaves_the_next_request_unmarked(llr, client_for, alice):
    """The validating form's fields are shared between requests (cdop.cases.forms): what one
    request chose or got wrong must not show on the next."""
    client = client_for(alice)
    marked = _page(client, key_worker="999999", year="1900")
    assert "Choose a key worker from the list" in marked

    clean = _page(client)

    assert "govuk-error-message" not in clean
    assert _chosen_options(clean) == 0


def test_a_key_worker_given_the_role_is_offered_on_the_next_opening(llr, client_for, alice):
    client = client_for(alice)
    before = _page(client)
    newcomer = UserFactory(full_name="Newly Appointed Keyworker")
    MembershipFactory(user=newcomer, area=llr, role=Role.KEY_WORKER)

    after = _page(client)

    assert "Newly Appointed Keyworker" not in before
    assert f'<option value="{newcomer.pk}">Newly Appointed Keyworker</option>' in after


def test_the_years_offered_move_on_at_new_year(llr, client_for, alice):
    with time_machine.travel(datetime.datetime(2026, 12, 31, 12, 0, tzinfo=datetime.UTC)):
        december = _page(client_for(alice))
    with time_machine.travel(datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.UTC)):
        january = _page(client_for(alice))

    assert '<option value="2027">' not in december
    assert '<option value="2027">2027</option>' in january


def test_the_valid_stages_still_apply_beside_one_that_is_not_on_the_list(llr, client_for, alice):
    waiting = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    fresh = CaseFactory(area=llr, status=Status.NOTIFIED)

    page = client_for(alice).get("/staff/cases/?status=awaiting_panel&status=nonsense").text

    assert is_listed(page, waiting)
    assert not is_listed(page, fresh)


@pytest.mark.parametrize("persona", ["chris", "pat", "charlie"])
def test_people_who_read_no_cases_get_404_for_the_list_and_the_export(
    llr, client_for, request, persona
):
    CaseFactory(area=llr)
    client = client_for(request.getfixturevalue(persona))

    assert client.get("/staff/cases/").status_code in {404, 302}
    assert client.get("/staff/cases/", {"format": "csv"}).status_code in {404, 302}
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_olu_lists_only_his_own_areas_cases(llr, other_area, client_for, olu):
    ours = CaseFactory(area=llr)
    his = CaseFactory(area=other_area)

    page = _page(client_for(olu))

    assert is_listed(page, his)
    assert not is_listed(page, ours)


# --- Sorting and pages --------------------------------------------------------------------


@pytest.fixture
def three_cases(llr):
    now = timezone.now()
    return [
        CaseFactory(
            area=llr,
            reference="LLR-2026-0002",
            child_last_name="Bramley",
            date_of_death=datetime.date(2026, 1, 5),
            status=Status.AWAITING_PANEL,
            opened_at=now - datetime.timedelta(days=3),
        ),
        CaseFactory(
            area=llr,
            reference="LLR-2026-0003",
            child_last_name="Ashford",
            date_of_death=datetime.date(2025, 6, 1),
            status=Status.NOTIFIED,
            opened_at=now - datetime.timedelta(days=1),
        ),
        CaseFactory(
            area=llr,
            reference="LLR-2026-0001",
            child_last_name="Cald-Wood",
            date_of_death=datetime.date(2026, 3, 9),
            status=Status.INFORMATION_GATHERING,
            opened_at=now - datetime.timedelta(days=2),
        ),
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["LLR-2026-0003", "LLR-2026-0001", "LLR-2026-0002"]),
        ("opened", ["LLR-2026-0003", "LLR-2026-0001", "LLR-2026-0002"]),
        ("opened_oldest", ["LLR-2026-0002", "LLR-2026-0001", "LLR-2026-0003"]),
        ("death", ["LLR-2026-0001", "LLR-2026-0002", "LLR-2026-0003"]),
        ("death_oldest", ["LLR-2026-0003", "LLR-2026-0002", "LLR-2026-0001"]),
        ("reference", ["LLR-2026-0001", "LLR-2026-0002", "LLR-2026-0003"]),
        ("stage", ["LLR-2026-0003", "LLR-2026-0001", "LLR-2026-0002"]),
    ],
)
def test_each_sort_orders_the_list(client_for, alice, three_cases, sort, expected):
    page = _page(client_for(alice), sort=sort)

    assert _order(page, *three_cases) == expected


def test_there_is_no_sort_by_surname_since_names_are_encrypted(client_for, alice, three_cases):
    # Deliberate change: the database holds names as ciphertext, so it cannot order by them
    # (docs/decisions.md). An old bookmark with sort=name gets the default order.
    page = _page(client_for(alice), sort="name")

    assert "Child’s surname" not in page
    assert _order(page, *three_cases) == ["LLR-2026-0003", "LLR-2026-0001", "LLR-2026-0002"]


def test_the_page_links_keep_the_filters_so_a_list_can_be_bookmarked(
    llr, client_for, alice, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for _ in range(5):
        CaseFactory(area=llr, status=Status.NOTIFIED)

    page = _page(client_for(alice), status="notified", sort="reference", page="2")

    assert page_of(page) == (2, 3)
    assert 'href="?status=notified&amp;sort=reference&amp;page=3"' in page
    assert 'href="?status=notified&amp;sort=reference&amp;page=1"' in page
    assert 'href="?status=notified&amp;sort=reference&amp;format=csv"' in page


def _count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff/cases/", params).status_code == 200
    return len(queries)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Ashford", "sort": "stage"},
        # Longer than three letters: a subquery of the name starts, in the same statement.
        {"q": "Ashfo"},
        {"year": "2026", "clock": "overdue"},
        {"status": ["notified", "awaiting_panel"], "clock": "overdue", "key_worker": "none",
         "expectedness": "expected", "year": "2026", "sort": "stage"},
    ],
)  # fmt: skip
def test_the_number_of_queries_does_not_grow_with_the_page_size(
    llr, client_for, alice, kim, monkeypatch, params
):
    for i in range(120):
        case = CaseFactory(
            area=llr,
            child_last_name="Ashford",
            key_worker=kim if i % 2 else None,
            date_of_death=datetime.date(2026, 1, 1),
        )
        _clock(case, due=NOW - datetime.timedelta(days=1))
    client = client_for(alice)
    client.get("/staff/cases/")  # the session's first request fills its caches

    counts = {}
    for size in (10, 100):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        counts[size] = _count_queries(client, **params)

    assert counts[10] == counts[100]
    assert counts[100] <= 12


# --- The export ---------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_export_is_the_filtered_list_as_csv(llr, client_for, alice, kim):
    waiting = CaseFactory(
        area=llr,
        status=Status.AWAITING_PANEL,
        child_first_name="Amelia",
        child_last_name="Ashford",
        key_worker=kim,
    )
    CaseFactory(area=llr, status=Status.NOTIFIED)

    response = client_for(alice).get("/staff/cases/", {"status": "awaiting_panel", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    rows = _csv(response)
    assert rows[0] == [
        "Reference",
        "First name",
        "Surname",
        "Date of death",
        "Expected or unexpected",
        "Stage",
        "In this stage since",
        "Opened",
        "Key worker",
    ]
    assert len(rows) == 2
    assert rows[1][:6] == [
        waiting.reference,
        "Amelia",
        "Ashford",
        "2026-10-01",
        "Expected",
        "Awaiting panel",
    ]
    assert rows[1][8] == "Kim Keyworker"


def test_the_export_carries_no_nhs_number_date_of_birth_or_postcode(llr, client_for, alice):
    CaseFactory(area=llr, child_nhs_number="9990000034", child_postcode="LE3 0AA")

    body = "\n".join(",".join(r) for r in _csv(client_for(alice).get("/staff/cases/?format=csv")))

    assert "9990000034" not in body
    assert "LE3 0AA" not in body
    assert "2024-06-01" not in body  # the factory's date of birth


def test_the_export_is_recorded_in_the_audit_log(llr, client_for, alice):
    CaseFactory(area=llr, status=Status.NOTIFIED)
    CaseFactory(area=llr, status=Status.NOTIFIED)

    client_for(alice).get("/staff/cases/", {"status": "notified", "format": "csv"})

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.object_repr) == (alice, "list export")
    assert entry.additional_data == {
        "area_id": llr.pk,
        "export": "case_list",
        "filters": {"status": "notified"},
        "results": 2,
    }


def test_kim_exports_only_her_cases(llr, client_for, kim):
    hers = CaseFactory(area=llr, key_worker=kim)
    CaseFactory(area=llr, key_worker=None)

    rows = _csv(client_for(kim).get("/staff/cases/?format=csv"))

    assert [r[0] for r in rows[1:]] == [hers.reference]


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.invalid")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
)
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(
    llr, client_for, alice, name
):
    CaseFactory(area=llr, child_first_name=name)

    rows = _csv(client_for(alice).get("/staff/cases/?format=csv"))

    assert rows[1][1] == "'" + name


def test_an_ordinary_value_is_exported_as_it_is():
    assert csv_cell("O'Neil") == "O'Neil"
    assert csv_cell("Smith-Jones") == "Smith-Jones"


def test_an_export_with_a_search_it_cannot_understand_shows_the_error_instead(
    llr, client_for, alice
):
    response = client_for(alice).get("/staff/cases/", {"q": "12345", "format": "csv"})

    assert response.status_code == 400
    assert "An NHS number has 10 digits" in response.text


def test_the_list_names_each_cases_key_worker_even_one_no_longer_in_the_role(
    llr, client_for, alice, kim
):
    former = UserFactory(full_name="Former Keyworker")
    CaseFactory(area=llr, key_worker=kim)
    CaseFactory(area=llr, key_worker=former)

    page = _page(client_for(alice))

    assert '<td class="govuk-table__cell">Kim Keyworker</td>' in page
    assert '<td class="govuk-table__cell">Former Keyworker</td>' in page


def test_a_case_moved_on_keeps_its_place_in_the_stage_sort(llr, alice):
    from cdop.cases.models import STAGE_ORDER
    from cdop.cases.services import case_start_information_gathering

    case = CaseFactory(area=llr, status=Status.NOTIFIED)

    case_start_information_gathering(case=case, by=alice)

    case.refresh_from_db()
    assert case.stage_position == STAGE_ORDER.index(Status.INFORMATION_GATHERING)
