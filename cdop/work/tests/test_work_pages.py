from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.accounts.models import Role
from cdop.cases import blockers
from cdop.cases.models import Task
from cdop.cases.workflow import REVIEW_LINE, Status
from cdop.clocks.services import clock_start
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import committed
from cdop.work.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def waiting_for_post_mortem() -> Iterator[set[int]]:
    """A blocker provider for the test: the cases whose ids are in the set are held up."""
    held: set[int] = set()

    def provider(case_ids: list[int]) -> dict[int, list[blockers.Blocker]]:
        return {
            pk: [blockers.Blocker("post_mortem_report", "Waiting for the post-mortem report")]
            for pk in case_ids
            if pk in held
        }

    blockers.blocker_provider_register("test_post_mortem", provider)
    yield held
    blockers._PROVIDERS.pop("test_post_mortem", None)


def test_my_work_lists_my_tasks_and_my_roles_unnamed_tasks_overdue_first(
    llr, alice, devi, client_for
):
    case = CaseFactory(area=llr)
    now = timezone.now()
    later = TaskFactory(case=case, title="Mine later", assigned_to=alice, due_at=now + 3 * DAY)
    late = TaskFactory(case=case, title="Mine late", assigned_to=alice, due_at=now - DAY)
    role = TaskFactory(
        case=case, title="For managers", assigned_role=Role.CDR_MANAGER, due_at=now + 2 * DAY
    )
    TaskFactory(case=case, title="For doctors", assigned_role=Role.DESIGNATED_DOCTOR)
    TaskFactory(case=case, title="Devi's", assigned_to=devi)
    TaskFactory(case=case, title="Done", assigned_to=alice, completed_at=now)
    TaskFactory(
        case=CaseFactory(area=llr),
        title="Named manager's",
        assigned_role=Role.CDR_MANAGER,
        assigned_to=devi,
    )

    page = client_for(alice).get("/staff/work/")

    assert page.status_code == 200
    assert [t.title for t in page.context["tasks"]] == [late.title, role.title, later.title]
    assert "Overdue" in page.content.decode()


def test_the_key_worker_sees_her_tasks_and_her_cases_overdue_clocks_only(llr, kim, client_for):
    hers = CaseFactory(area=llr, key_worker=kim)
    other = CaseFactory(area=llr)
    TaskFactory(case=hers, title="Visit the family", assigned_role=Role.KEY_WORKER)
    TaskFactory(case=other, title="Not hers", assigned_role=Role.KEY_WORKER)
    for case in (hers, other):
        clock_start(
            case=case,
            kind="cdrm",
            label="Meeting within 3 months",
            started_at=timezone.now() - 100 * DAY,
            due_at=timezone.now() - DAY,
        )

    page = client_for(kim).get("/staff/work/")

    assert [t.title for t in page.context["tasks"]] == ["Visit the family"]
    assert [c.case__reference for c in page.context["clocks"]] == [hers.reference]
    assert other.reference not in page.content.decode()


def test_a_manager_with_twenty_cases_sees_what_is_overdue_and_why_on_one_page(
    llr, alice, client_for, waiting_for_post_mortem
):
    now = timezone.now()
    open_stages = [s for s in REVIEW_LINE if s != Status.FINALISED]
    cases = [CaseFactory(area=llr, status=open_stages[i % len(open_stages)]) for i in range(20)]
    for i, case in enumerate(cases):
        clock_start(
            case=case,
            kind="cdrm",
            label="Child death review meeting within 3 months of the death",
            started_at=now - 120 * DAY,
            # Every fourth case is overdue.
            due_at=now - DAY if i % 4 == 0 else now + 30 * DAY,
        )
    waiting_for_post_mortem.update({cases[0].pk, cases[1].pk})
    TaskFactory(case=cases[3], title="Chase the police report", due_at=now - 2 * DAY)

    page = client_for(alice).get("/staff/work/team/")

    assert page.status_code == 200
    text = page.content.decode()
    overdue = {c.case__reference for c in page.context["clocks"]}
    assert overdue == {cases[i].reference for i in range(0, 20, 4)}
    # The overdue clock's row says why its case is held up.
    row = next(r for r in text.split("<tr") if f"{cases[0].reference}/#stage-and-clocks" in r)
    assert "Waiting for the post-mortem report" in row
    assert "Child death review meeting within 3 months of the death" in row
    assert "Chase the police report" in text
    counts = {s.status: s.count for s in page.context["stages"]}
    assert sum(counts.values()) == 20
    assert f'href="/staff/cases/?status={Status.AWAITING_CDRM}"' in text


def test_team_work_lists_every_open_task_of_the_area_by_due_date(llr, alice, devi, client_for):
    case = CaseFactory(area=llr)
    now = timezone.now()
    TaskFactory(case=case, title="Named, soon", assigned_to=devi, due_at=now + DAY)
    TaskFactory(case=case, title="Nobody, later", due_at=now + 5 * DAY)
    TaskFactory(case=case, title="Named, late", assigned_to=devi, due_at=now - DAY)
    TaskFactory(case=CaseFactory(area=llr), title="Done", completed_at=now)

    page = client_for(alice).get("/staff/work/team/")

    assert [t.title for t in page.context["tasks"]] == [
        "Named, late",
        "Named, soon",
        "Nobody, later",
    ]


def test_a_case_reference_in_the_queues_is_never_broken_over_two_lines(
    llr, alice, client_for, waiting_for_post_mortem
):
    # A narrow column broke "LLR-2024-0013" after its second hyphen on Team work.
    case = CaseFactory(area=llr)
    now = timezone.now()
    TaskFactory(case=case, title="Chase the coroner", due_at=now - DAY)
    clock_start(case=case, kind="cdrm", label="Meeting", started_at=now, due_at=now - DAY)
    waiting_for_post_mortem.add(case.pk)

    page = client_for(alice).get("/staff/work/team/").text

    ref = case.reference
    assert (
        f'<td class="govuk-table__cell cdop-nowrap"><a class="govuk-link" '
        f'href="/staff/cases/{ref}/section/tasks/">{ref}</a></td>' in page
    )
    assert (
        f'<a class="govuk-link cdop-nowrap" href="/staff/cases/{ref}/#stage-and-clocks">{ref}</a>'
        in page
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/staff/work/", "/staff/work/team/"])
def test_the_queues_run_the_same_number_of_queries_whatever_the_page_size(
    llr, alice, client_for, settings, url, waiting_for_post_mortem, django_assert_max_num_queries
):
    now = timezone.now()
    for _ in range(12):
        case = CaseFactory(area=llr)
        TaskFactory(case=case, assigned_to=alice, due_at=now - DAY)
        clock_start(case=case, kind="cdrm", label="M", started_at=now, due_at=now - DAY)
        waiting_for_post_mortem.add(case.pk)
    client = client_for(alice)
    client.get(url)  # warm the session's role cache

    settings.WORK_PAGE_SIZE = 3
    small = _queries(client, url)
    settings.WORK_PAGE_SIZE = 10
    large = _queries(client, url)

    assert small == large
    # A bound, not an exact count: each registered blocker provider adds its own queries.
    with django_assert_max_num_queries(20):
        client.get(url)


def test_the_case_page_tasks_section_runs_the_same_queries_for_one_task_or_ten(
    llr, alice, client_for
):
    one = CaseFactory(area=llr)
    ten = CaseFactory(area=llr)
    TaskFactory(case=one)
    TaskFactory.create_batch(10, case=ten)
    client = client_for(alice)
    client.get(one.get_absolute_url())

    assert _queries(client, one.get_absolute_url()) == _queries(client, ten.get_absolute_url())


def test_the_held_up_page_lists_every_blocked_case_with_its_reasons(
    llr, alice, client_for, waiting_for_post_mortem
):
    held = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    closed = CaseFactory(area=llr, status=Status.FINALISED)
    waiting_for_post_mortem.update({held.pk, closed.pk})

    page = client_for(alice).get("/staff/work/team/held-up/")

    assert page.status_code == 200
    assert [r.reference for r in page.context["rows"]] == [held.reference]
    assert page.context["reasons"] == [("Waiting for the post-mortem report", 1)]
    assert closed.reference not in page.content.decode()


@pytest.mark.parametrize("size", [1, 5])
def test_the_held_up_page_runs_the_same_queries_whatever_the_page_size(
    llr, alice, client_for, settings, size, waiting_for_post_mortem, django_assert_max_num_queries
):
    for _ in range(6):
        waiting_for_post_mortem.add(CaseFactory(area=llr).pk)
    client = client_for(alice)
    client.get("/staff/work/team/held-up/")
    settings.WORK_PAGE_SIZE = size

    with django_assert_max_num_queries(12):
        assert client.get("/staff/work/team/held-up/").status_code == 200


PAGES = ["/staff/work/", "/staff/work/team/", "/staff/work/team/held-up/"]


@pytest.mark.parametrize(
    ("persona", "mine", "team"),
    [
        ("alice", 200, 200),
        ("ada", 200, 200),
        ("devi", 200, 200),
        ("kim", 200, 404),
        ("chris", 404, 404),
        ("pat", 404, 404),
    ],
)
def test_the_queues_are_for_the_people_who_read_cases(
    request, llr, client_for, persona, mine, team
):
    client = client_for(request.getfixturevalue(persona))

    assert client.get("/staff/work/").status_code == mine
    assert client.get("/staff/work/team/").status_code == team
    assert client.get("/staff/work/team/held-up/").status_code == team


def test_olu_in_another_area_sees_nothing_of_this_areas_work(llr, olu, client_for):
    case = CaseFactory(area=llr)
    TaskFactory(case=case, title="LLR task", assigned_role=Role.CDR_MANAGER)
    clock_start(
        case=case, kind="cdrm", label="M", started_at=timezone.now(), due_at=timezone.now() - DAY
    )
    client = client_for(olu)

    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200
        assert case.reference not in page.content.decode()
        assert "LLR task" not in page.content.decode()
    assert not Task.objects.filter(assigned_to=olu).exists()


def test_the_key_worker_is_not_told_of_a_safeguarding_blocker_on_her_overdue_case(
    llr, kim, alice, client_for
):
    case = CaseFactory(area=llr, key_worker=kim)
    clock_start(
        case=case,
        kind="cdrm",
        label="Meeting within 3 months",
        started_at=timezone.now() - 100 * DAY,
        due_at=timezone.now() - DAY,
    )

    def provider(case_ids: list[int]) -> dict[int, list[blockers.Blocker]]:
        reason = "Waiting to notify Ofsted of a looked-after child's death"
        return {
            pk: [blockers.Blocker("looked_after_notification", reason)]
            for pk in case_ids
            if pk == case.pk
        }

    blockers.blocker_provider_register("test_looked_after", provider)
    try:
        kims = client_for(kim).get("/staff/work/").content.decode()
        alices = client_for(alice).get("/staff/work/team/").content.decode()
    finally:
        blockers._PROVIDERS.pop("test_looked_after", None)

    assert "Meeting within 3 months" in kims
    assert "looked-after" not in kims
    assert "looked-after" in alices


@pytest.mark.parametrize("url", ["/staff/work/", "/staff/work/team/"])
def test_deep_pages_show_the_same_rows_as_the_first_pages_way_of_reading_them(
    llr, alice, client_for, settings, monkeypatch, url, django_assert_max_num_queries
):
    """The first pages are read in one query through joins; deeper ones by ids off the bare
    queryset, then the rows. Both ways give the same rows, in the same order, in a bounded
    number of queries."""
    from cdop.work import views

    now = timezone.now()
    for i in range(7):
        case = CaseFactory(area=llr, key_worker=alice if i % 2 else None)
        TaskFactory(case=case, assigned_to=alice, due_at=now - (i + 1) * DAY)
        clock_start(case=case, kind="cdrm", label=f"M{i}", started_at=now, due_at=now - i * DAY)
    TaskFactory(case=case, assigned_to=alice, due_at=now - 3 * DAY, completed_at=now)
    settings.WORK_PAGE_SIZE = 3
    client = client_for(alice)

    def pages() -> list[tuple[list[int], list[int], int, int]]:
        seen = []
        for number in ("1", "2", "3", "9"):
            context = client.get(f"{url}?page={number}&clocks_page={number}").context
            seen.append(
                (
                    [row.pk for row in context["tasks"].object_list],
                    [row.pk for row in context["clocks"].object_list],
                    context["tasks"].paginator.count,
                    context["clocks"].paginator.count,
                )
            )
        return seen

    direct = pages()
    monkeypatch.setattr(views, "_DIRECT_ROWS_UP_TO", 0)
    by_ids = pages()

    assert direct == by_ids
    assert direct[0][1]
    assert direct[-1] == direct[-2]  # past the end: the last page
    with django_assert_max_num_queries(22):
        client.get(f"{url}?page=2&clocks_page=2")


def test_my_work_shows_overdue_clocks_of_cases_i_hold_an_open_task_on_or_key_work(
    llr, alice, client_for
):
    now = timezone.now()
    with_task, with_done_task, key_worked, other = (CaseFactory(area=llr) for _ in range(4))
    TaskFactory(case=with_task, assigned_to=alice, due_at=now + DAY)
    TaskFactory(case=with_done_task, assigned_to=alice, due_at=now, completed_at=now)
    key_worked.key_worker = alice
    key_worked.save(update_fields=["key_worker"])
    for case in (with_task, with_done_task, key_worked, other):
        clock_start(case=case, kind="cdrm", label="M", started_at=now, due_at=now - DAY)
    client = client_for(alice)

    shown = {row.case_id for row in client.get("/staff/work/").context["clocks"].object_list}

    assert shown == {with_task.pk, key_worked.pk}


def test_my_work_with_no_cases_of_mine_lists_no_clocks(llr, alice, client_for):
    now = timezone.now()
    clock_start(
        case=CaseFactory(area=llr), kind="cdrm", label="M", started_at=now, due_at=now - DAY
    )

    page = client_for(alice).get("/staff/work/")

    assert page.context["clocks"].paginator.count == 0
    assert "Overdue timescales on my cases (0)" in page.content.decode()


def test_team_works_totals_in_one_statement_are_the_counts_of_its_queues(
    llr, other_area, alice, olu, monkeypatch
):
    from cdop.accounts import permissions
    from cdop.work import selectors

    now = timezone.now()
    for status in (Status.NOTIFIED, Status.INFORMATION_GATHERING, Status.AWAITING_PANEL):
        case = CaseFactory(area=llr, status=status)
        clock_start(case=case, kind="cdrm", label="Meeting", started_at=now - 9 * DAY,
                    due_at=now - DAY)  # fmt: skip
        clock_start(case=case, kind="safeguarding_5wd", label="Notify", started_at=now - 9 * DAY,
                    due_at=now - 2 * DAY)  # fmt: skip
        clock_start(case=case, kind="panel", label="Panel", started_at=now, due_at=now + DAY)
        TaskFactory(case=case, area=llr)
    TaskFactory(case=CaseFactory(area=llr, status=Status.FINALISED), area=llr, completed_at=now)
    elsewhere = CaseFactory(area=other_area, status=Status.NOTIFIED)
    clock_start(case=elsewhere, kind="cdrm", label="Meeting", started_at=now - 9 * DAY,
                due_at=now - DAY)  # fmt: skip
    TaskFactory(case=elsewhere, area=other_area)

    def agree(user):
        counts = selectors.team_counts(user=user, now=now)
        assert counts.open_tasks == selectors.task_queue_team(user=user).count()
        assert counts.overdue_clocks == selectors.clocks_overdue_team(user=user, now=now).count()
        assert counts.stages == selectors.cases_by_stage(user=user)
        return counts

    counts = agree(alice)
    assert (counts.open_tasks, counts.overdue_clocks) == (3, 6)
    assert {s.status: s.count for s in counts.stages if s.count} == {
        "notified": 1,
        "information_gathering": 1,
        "awaiting_panel": 1,
    }
    # Someone who reads the area's cases but not its safeguarding: those clocks do not count.
    monkeypatch.setattr(permissions, "SAFEGUARDING_READERS", frozenset())
    assert agree(alice).overdue_clocks == 3
    assert agree(olu).overdue_clocks == 1


def test_team_works_fixed_sql_rows_are_its_querysets_rows_page_by_page(
    llr, other_area, alice, olu, monkeypatch
):
    from cdop.accounts import permissions
    from cdop.core.tests.factories import NotificationFactory
    from cdop.work import selectors
    from cdop.work.presenters import CLOCK_COLUMNS, TASK_COLUMNS

    now = timezone.now()
    for i in range(7):
        case = CaseFactory(area=llr if i % 3 else other_area)
        # Equal due times, so that the order rests on the id as well.
        clock_start(case=case, kind="cdrm", label=f"Meeting {i}", started_at=now - 9 * DAY,
                    due_at=now - (i % 2 + 1) * DAY)  # fmt: skip
        clock_start(case=case, kind="safeguarding_5wd", label="Notify",
                    started_at=now - 9 * DAY, due_at=now - 3 * DAY)  # fmt: skip
        clock_start(case=case, kind="panel", label="Panel", started_at=now, due_at=now + DAY)
        TaskFactory(case=case, area=case.area, due_at=now + (i % 2) * DAY, assigned_to=alice)
        TaskFactory(case=case, area=case.area, due_at=now - DAY, assigned_role=Role.CDR_MANAGER)
    notification = NotificationFactory(area=llr)
    TaskFactory(case=None, notification=notification, area=llr, due_at=now - 5 * DAY)

    def same(user):
        tasks = list(selectors.task_queue_team(user=user).values_list(*TASK_COLUMNS, named=True))
        clocks = list(
            selectors.clocks_overdue_team(user=user, now=now).values_list(
                *CLOCK_COLUMNS, named=True
            )
        )
        assert tasks
        assert clocks
        for start, end in ((0, 4), (4, 8), (8, 40), (40, 44)):
            fixed = selectors.task_rows_team(user=user, start=start, end=end)
            assert [tuple(r) for r in fixed] == [tuple(r) for r in tasks[start:end]]
            fixed_clocks = selectors.clock_rows_team(user=user, now=now, start=start, end=end)
            assert [tuple(r) for r in fixed_clocks] == [tuple(r) for r in clocks[start:end]]
        return len(tasks), len(clocks)

    assert same(alice) == (9, 8)
    assert same(olu) == (6, 6)
    # Someone who reads the area's cases but not its safeguarding: those clocks are not listed.
    monkeypatch.setattr(permissions, "SAFEGUARDING_READERS", frozenset())
    assert same(alice) == (9, 4)


def test_team_works_totals_are_kept_a_minute_and_forgotten_by_a_write(llr, alice):
    from cdop.work import selectors

    now = timezone.now()
    with committed():
        case = CaseFactory(area=llr, status=Status.NOTIFIED)
        TaskFactory(case=case, area=llr)
    assert selectors.team_counts(user=alice, now=now).open_tasks == 1

    # Kept: the second reading asks the cache, not the tables.
    with CaptureQueriesContext(connection) as queries:
        assert selectors.team_counts(user=alice, now=now).open_tasks == 1
    assert not any("cases_task" in q["sql"] for q in queries.captured_queries)

    # A new task, a completed one, a case moving on: each shows at once, to the writer's own
    # transaction before it commits and to everyone after.
    task = TaskFactory(case=case, area=llr)
    assert selectors.team_counts(user=alice, now=now).open_tasks == 2
    with committed():
        task.completed_at = now
        task.save()
    assert selectors.team_counts(user=alice, now=now).open_tasks == 1
    with committed():
        case.status = Status.INFORMATION_GATHERING
        case.save()
    stages = {s.status: s.count for s in selectors.team_counts(user=alice, now=now).stages}
    assert (stages["notified"], stages["information_gathering"]) == (0, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_team_works_totals_are_forgotten_again_when_the_write_commits(llr, alice):
    """Another process may read the totals between the write and its commit, and keep the old
    ones: the write's transaction forgets them again on commit."""
    from django.core.cache import cache
    from django.db import transaction

    from cdop.cases import totals
    from cdop.work import selectors

    now = timezone.now()
    case = CaseFactory(area=llr, status=Status.NOTIFIED)
    key = totals._AREA_TOTALS_KEY.format(llr.pk)
    with transaction.atomic():
        TaskFactory(case=case, area=llr)
        TaskFactory(case=case, area=llr)
        # As if another process had read the old totals meanwhile (this transaction's own
        # reads count afresh and keep nothing).
        cache.set(key, {"tasks": 0, "clocks": 0, "hidden": 0, "stages": {}}, 60)
    assert cache.get(key) is None
    assert selectors.team_counts(user=alice, now=now).open_tasks == 2

    # A transaction that rolls back leaves nothing behind that would stop the next one.
    def rolled_back() -> None:
        with transaction.atomic():
            TaskFactory(case=case, area=llr)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rolled_back()
    with transaction.atomic():
        TaskFactory(case=case, area=llr)
        cache.set(key, {"tasks": 0, "clocks": 0, "hidden": 0, "stages": {}}, 60)
    assert selectors.team_counts(user=alice, now=now).open_tasks == 3


def test_my_works_total_is_its_querysets_count_for_every_kind_of_person(
    llr, other_area, alice, devi, olu, kim, monkeypatch
):
    """task_count_mine adds the person's named tasks to the kept totals of their roles' tasks;
    a key worker's tasks depend on their cases and are counted by the queryset."""
    from cdop.accounts.models import Membership
    from cdop.work import selectors

    now = timezone.now()
    case = CaseFactory(area=llr)
    theirs = CaseFactory(area=llr, key_worker=kim)
    elsewhere = CaseFactory(area=other_area)
    for role in (Role.CDR_MANAGER, Role.DESIGNATED_DOCTOR, Role.KEY_WORKER, Role.ADMINISTRATOR):
        TaskFactory(case=case, area=llr, assigned_role=role)
        TaskFactory(case=theirs, area=llr, assigned_role=role)
        TaskFactory(case=elsewhere, area=other_area, assigned_role=role)
    for person in (alice, devi, olu, kim):
        TaskFactory(case=case, area=llr, assigned_to=person)
        TaskFactory(case=elsewhere, area=other_area, assigned_to=person)
        TaskFactory(case=case, area=llr, assigned_to=person, completed_at=now)
    # Someone with two roles in one area and one in another.
    Membership.objects.create(user=alice, area=llr, role=Role.KEY_WORKER)
    Membership.objects.create(user=alice, area=other_area, role=Role.DESIGNATED_DOCTOR)

    for person in (alice, devi, olu, kim):
        person.refresh_from_db()
        expected = selectors.task_queue_mine(user=person).count()
        assert selectors.task_count_mine(user=person, now=now) == expected, person
        assert expected > 0
    alice.refresh_from_db()
    # Named tasks in both areas, llr's manager and key-worker role tasks, other_area's doctor's.
    assert selectors.task_count_mine(user=alice, now=now) == 2 + 4 + 1
