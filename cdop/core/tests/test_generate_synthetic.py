from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from itertools import pairwise

import nhs_number
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from cdop.accounts.models import Membership, Role
from cdop.areas.models import Area, Sequence
from cdop.areas.services import sequence_next
from cdop.cases.models import Case, CaseTransition, Task, stage_position
from cdop.cases.search import case_search_keys, name_start_keys
from cdop.cases.workflow import CLOSED, REVIEW_LINE, TRANSITIONS, Status
from cdop.clocks.models import Clock
from cdop.core.management.commands.generate_synthetic import (
    synthetic_build,
    synthetic_nhs_number,
)
from cdop.notifications.duplicates import normalise_name
from cdop.notifications.models import Notification
from cdop.work.services import tasks_close_moot_of_ended_cases

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)


def _generate(cases: int = 200, seed: int = 7, notifications: int = 5) -> None:
    call_command(
        "generate_synthetic",
        cases=cases,
        seed=seed,
        area="llr",
        notifications=notifications,
        verbosity=0,
    )


def test_it_adds_the_cases_and_their_notifications(llr: Area) -> None:
    _generate()

    assert Case.objects.filter(area=llr).count() == 200
    assert Notification.objects.filter(status=Notification.Status.CASE_OPENED).count() == 200
    assert Notification.objects.filter(status=Notification.Status.NEW, case=None).count() == 5
    assert not Case.objects.annotate(n=Count("notifications")).exclude(n=1).exists()


def test_every_status_is_present(llr: Area) -> None:
    _generate()

    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)


def test_nhs_numbers_are_synthetic_and_valid(llr: Area) -> None:
    _generate()

    numbers = [n for n in Case.objects.values_list("child_nhs_number", flat=True) if n]
    assert len(numbers) > 150
    assert all(n.startswith("999") and len(n) == 10 for n in numbers)
    assert all(nhs_number.is_valid(n) for n in numbers)


def test_synthetic_nhs_numbers_pass_modulus_11() -> None:
    rng = random.Random(3)
    for _ in range(500):
        number = synthetic_nhs_number(rng)
        assert number.startswith("999")
        assert nhs_number.is_valid(number)


def test_each_case_has_a_consistent_history(llr: Area) -> None:
    _generate()

    transitions: dict[int, list[CaseTransition]] = {}
    for t in CaseTransition.objects.order_by("at", "pk"):
        transitions.setdefault(t.case_id, []).append(t)
    notifications = {n.case_id: n for n in Notification.objects.exclude(case=None)}
    line = {status: i for i, status in enumerate(REVIEW_LINE)}
    for case in Case.objects.all():
        history = transitions[case.pk]
        assert history[0].name == "case_open"
        assert history[0].from_status == ""
        assert history[0].at == case.opened_at
        assert history[-1].to_status == case.status
        assert history[-1].at == case.status_changed_at
        assert all(a.at < b.at for a, b in pairwise(history))
        for earlier, later in pairwise(history):
            spec = TRANSITIONS[later.name]
            assert later.from_status == earlier.to_status
            assert later.from_status in spec.sources
            assert later.to_status == spec.target
        if case.status in line:
            assert len(history) == line[case.status] + 1
        assert (case.finalised_at is not None) == (case.status == Status.FINALISED)
        if case.finalised_at is not None:
            assert case.finalised_at == case.status_changed_at
        assert case.date_of_death >= case.child_date_of_birth
        notification = notifications[case.pk]
        assert notification.received_at <= case.opened_at
        assert notification.date_of_death == case.date_of_death
        assert notification.reference in history[0].reason
        if case.status == Status.MERGED:
            assert case.merged_into is not None
            assert case.merged_into.child_last_name == case.child_last_name


def test_the_transition_rows_match_the_statuses(llr: Area) -> None:
    _generate()

    expected = sum(
        len(REVIEW_LINE[: REVIEW_LINE.index(s) + 1]) if s in REVIEW_LINE else 0
        for s in Case.objects.filter(status__in=REVIEW_LINE).values_list("status", flat=True)
    )
    line_rows = CaseTransition.objects.filter(case__status__in=REVIEW_LINE).count()
    assert line_rows == expected
    exits = Case.objects.exclude(status__in=REVIEW_LINE)
    assert CaseTransition.objects.filter(case__in=exits).values("case").distinct().count() == (
        exits.count()
    )


def test_dates_stay_in_the_past_and_in_the_last_five_years(llr: Area) -> None:
    _generate()

    span = Case.objects.aggregate(
        first=Min("date_of_death"), last=Max("date_of_death"), latest=Max("status_changed_at")
    )
    assert span["last"] < timezone.localdate()
    assert span["first"] >= timezone.localdate() - dt.timedelta(days=5 * 366)
    assert span["latest"] <= timezone.now()


def test_references_continue_the_areas_series(llr: Area) -> None:
    _generate(cases=50, seed=1)
    _generate(cases=50, seed=1)  # the same seed again: nothing may collide

    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == 100
    assert all(r.startswith("LLR-") for r in references)
    year = max(Sequence.objects.filter(area=llr, kind="case").values_list("year", flat=True))
    with transaction.atomic():
        number = sequence_next(area=llr, kind="case", year=year)
    assert f"LLR-{year}-{number:04d}" not in references
    assert Notification.objects.values("reference").distinct().count() == (
        Notification.objects.count()
    )


def test_the_same_seed_builds_the_same_records() -> None:
    first = synthetic_build(cases=150, notifications=4, seed=11, today=TODAY)
    again = synthetic_build(cases=150, notifications=4, seed=11, today=TODAY)
    other = synthetic_build(cases=150, notifications=4, seed=12, today=TODAY)

    assert first == again
    assert first != other


def test_the_records_have_the_shape_of_child_deaths() -> None:
    data = synthetic_build(cases=3000, notifications=0, seed=5, today=TODAY)
    children = [c.child for c in data.cases]
    n = len(children)
    ages = [(c.date_of_death - c.date_of_birth).days for c in children]

    assert 0.58 < sum(a < 365 for a in ages) / n < 0.70
    assert 0.30 < sum(a < 28 for a in ages) / n < 0.50
    assert 0.51 < sum(c.sex == "male" for c in children) / n < 0.61
    unexpected = Counter(c.notice.expectedness for c in data.cases)["unexpected"] / n
    assert 0.22 < unexpected < 0.38
    old = [c for c in data.cases if (TODAY - c.child.date_of_death).days > 3 * 365]
    recent = [c for c in data.cases if (TODAY - c.child.date_of_death).days < 90]
    assert sum(c.status == Status.FINALISED for c in old) / len(old) > 0.8
    early = {Status.NOTIFIED, Status.INFORMATION_GATHERING, Status.AWAITING_CDRM}
    assert sum(c.status in early for c in recent) / len(recent) > 0.6


def test_an_unknown_area_is_refused(llr: Area) -> None:
    with pytest.raises(CommandError, match="no area with the slug “nowhere”"):
        call_command("generate_synthetic", cases=5, area="nowhere", verbosity=0)
    assert not Case.objects.exists()


# --- What the case lists need: key workers, clocks, tasks and search keys -----------------


def test_cases_in_review_mostly_have_a_key_worker_and_those_that_left_have_none(
    llr: Area,
) -> None:
    _generate(cases=300)

    key_workers = Membership.objects.filter(area=llr, role=Role.KEY_WORKER)
    assert key_workers.count() == 3
    in_review = Case.objects.filter(status__in=[Status.AWAITING_CDRM, Status.AWAITING_PANEL])
    assert in_review.filter(key_worker__isnull=False).count() > 0.8 * in_review.count()
    left = Case.objects.filter(status__in=[Status.TRANSFERRED, Status.OUT_OF_SCOPE, Status.MERGED])
    assert not left.filter(key_worker__isnull=False).exists()
    assert set(Case.objects.exclude(key_worker=None).values_list("key_worker", flat=True)) <= set(
        key_workers.values_list("user", flat=True)
    )


def test_a_second_run_reuses_the_areas_key_workers(llr: Area) -> None:
    _generate(cases=50)
    _generate(cases=50, seed=8)

    assert Membership.objects.filter(area=llr, role=Role.KEY_WORKER).count() == 3


def test_each_case_has_stage_clocks_stopped_as_its_history_says(llr: Area) -> None:
    _generate(cases=300)

    for case in Case.objects.prefetch_related("clocks", "transitions"):
        clocks = {c.kind: c for c in case.clocks.all()}
        assert {"notification", "cdrm", "panel"} <= set(clocks)
        reached = {t.to_status for t in case.transitions.all()}
        met = Status.CDRM_HELD in reached
        left = case.status in {Status.TRANSFERRED, Status.OUT_OF_SCOPE, Status.MERGED}
        cdrm = clocks["cdrm"]
        assert (cdrm.stopped_at is not None) == (met or left), case.reference
        assert cdrm.cancelled == (left and not met)
        assert clocks["panel"].due_at > cdrm.due_at


def test_some_clocks_are_overdue_and_some_are_not(llr: Area) -> None:
    _generate(cases=300)

    running = Clock.objects.filter(stopped_at__isnull=True)
    now = timezone.now()
    assert running.filter(due_at__lt=now).exists()
    assert running.filter(due_at__gte=now).exists()


def test_open_cases_have_open_tasks_some_overdue_and_unexpected_deaths_jar_tasks(
    llr: Area,
) -> None:
    _generate(cases=300)

    open_tasks = Task.objects.filter(completed_at__isnull=True)
    assert open_tasks.filter(due_at__lt=timezone.now()).exists()
    assert open_tasks.filter(due_at__gte=timezone.now()).exists()
    assert not open_tasks.filter(case__status=Status.FINALISED, rule="").exists()
    unexpected = Case.objects.filter(expectedness="unexpected", merged_into__isnull=True)
    assert Task.objects.filter(case__in=unexpected, rule="jar").values("case").distinct().count()
    assert not Task.objects.filter(case__expectedness="expected", rule="jar").exists()
    family_tasks = Task.objects.filter(assigned_role=Role.KEY_WORKER).exclude(assigned_to=None)
    assert all(
        t.assigned_to_id == t.case.key_worker_id for t in family_tasks.select_related("case")
    )


def test_no_task_is_left_open_on_a_case_that_has_ended(llr: Area) -> None:
    """A case's end closes its open tasks (cdop.work.services.tasks_close_on_case_end); the
    generated history does the same, so the demo and the benchmarks start as service would
    leave them: nothing for the close_moot_tasks command to close."""
    _generate(cases=600)

    ended = Case.objects.filter(status__in=sorted(CLOSED))
    assert ended.filter(expectedness="unexpected", tasks__rule="jar").exists()
    assert not Task.objects.filter(case__in=ended, completed_at__isnull=True).exists()
    closed_by_end = Task.objects.filter(
        case__in=ended, completion_note__startswith="Closed automatically"
    ).select_related("case")
    assert closed_by_end.exists()
    assert all(t.completed_at == t.case.status_changed_at for t in closed_by_end)
    assert tasks_close_moot_of_ended_cases() == 0


def test_the_cases_can_be_found_by_name(llr: Area) -> None:
    _generate(cases=50)

    case = Case.objects.first()
    assert case is not None
    keys = case_search_keys(first_name=case.child_first_name, last_name=case.child_last_name)
    assert (case.search_first_name, case.search_last_name, case.search_last_sound) == (
        keys.first_name,
        keys.last_name,
        keys.last_sound,
    )
    assert not Case.objects.filter(search_last_name="").exists()


def test_the_cases_have_their_name_starts_so_a_longer_start_finds_them(llr: Area) -> None:
    _generate(cases=50)

    for case in Case.objects.all():
        stored = set(case.name_starts.values_list("key", flat=True))
        assert stored == name_start_keys(
            first=normalise_name(case.child_first_name), last=normalise_name(case.child_last_name)
        )


def test_each_case_knows_its_place_in_the_stage_sort(llr: Area) -> None:
    _generate(cases=100)

    for status, position in Case.objects.values_list("status", "stage_position").distinct():
        assert position == stage_position(status)
