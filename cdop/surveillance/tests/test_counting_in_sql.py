"""The dashboard counts in SQL (issue 8) exactly what it counted when it read every death into
Python: the old way is kept here, as the reference, and compared on a seeded mixture of deaths
(every status, duplicate notifications and chains of them, inquests, categories, the words,
birthdays on the day of death, 29 February, the neonatal edge, deaths before the history)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.accounts.models import User
from cdop.analysis.models import Analysis
from cdop.analysis.selectors import form_version_current
from cdop.analysis.tests.factories import category
from cdop.areas.models import Area
from cdop.cases.models import Case, Expectedness, Sex
from cdop.cases.workflow import Status
from cdop.core.tests.factories import NotificationFactory
from cdop.investigations.models import Inquest, InquestConclusion
from cdop.investigations.tests.factories import InquestFactory
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.surveillance import rules, stats
from cdop.surveillance.rules import Death, WatchedGroup
from cdop.surveillance.selectors import (
    RECORDING_GRACE,
    Dashboard,
    GroupSignal,
    Period,
    Sparkline,
    _counted_cases,
    _counted_notifications,
    _keys,
    _words,
    area_tally,
    period_for,
    surveillance_dashboard,
)
from cdop.surveillance.tests.conftest import LONDON, TODAY
from cdop.surveillance.tests.factories import days_ago, death

pytestmark = pytest.mark.django_db


# --- The reference: the dashboard as it was before issue 8 ----------------------------------


def _reference_deaths(*, area_id: int, since: datetime.date, until: datetime.date) -> list[Death]:
    """area_deaths as it was: every counted death of the range read into Python."""
    from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef

    suicide_words = Notification.objects.filter(case=OuterRef("pk")).filter(
        rules.suspected_suicide_words_q()
    )
    inquest_suicide = Inquest.objects.filter(
        case=OuterRef("pk"), conclusion=InquestConclusion.SUICIDE
    )
    cases = (
        Case.objects.filter(_counted_cases(area_id))
        .filter(date_of_death__gte=since, date_of_death__lte=until)
        .annotate(words=Exists(suicide_words), inquest=Exists(inquest_suicide))
        .order_by()
        .values_list(
            "pk",
            "date_of_death",
            "child_date_of_birth",
            "expectedness",
            "analysis__category__code",
            "inquest",
            "words",
            "child_nhs_number_index",
            "child_identity_index",
        )
    )
    deaths: list[Death] = []
    seen: set[tuple[object, ...]] = set()
    for pk, died, born, expectedness, code, inquest, words, nhs, identity in cases:
        deaths.append(
            Death(
                date_of_death=died,
                date_of_birth=born,
                unexpected=expectedness == Expectedness.UNEXPECTED,
                category_code=code or "",
                inquest_suicide=bool(inquest),
                suicide_words=bool(words),
                source="case",
                source_pk=pk,
            )
        )
        seen |= _keys(nhs, identity)
    notifications = (
        Notification.objects.filter(_counted_notifications(area_id))
        .filter(date_of_death__gte=since, date_of_death__lte=until)
        .annotate(
            words=ExpressionWrapper(rules.suspected_suicide_words_q(), output_field=BooleanField())
        )
        .order_by("received_at", "pk")
        .values_list(
            "pk",
            "date_of_death",
            "child_date_of_birth",
            "expectedness",
            "words",
            "child_nhs_number_index",
            "child_identity_index",
        )
    )
    for pk, died, born, expectedness, words, nhs, identity in notifications:
        keys = _keys(nhs, identity)
        if keys & seen:
            continue
        seen |= keys
        deaths.append(
            Death(
                date_of_death=died,
                date_of_birth=born,
                unexpected=expectedness == Expectedness.UNEXPECTED,
                category_code="",
                inquest_suicide=False,
                suicide_words=bool(words),
                source="notification",
                source_pk=pk,
            )
        )
    return deaths


def _reference_sparkline(group: WatchedGroup, period: Period, deaths: list[Death]) -> Sparkline:
    bins = period.history_days // period.window_days + 1
    counts = [0] * bins
    for found in deaths:
        if not group.test(found):
            continue
        back = (period.today - found.date_of_death).days // period.window_days
        if 0 <= back < bins:
            counts[bins - 1 - back] += 1
    return Sparkline(counts=counts)


def _reference_signal(
    group: WatchedGroup, period: Period, recent: Iterable[Death], history: Iterable[Death]
) -> GroupSignal:
    observed = sum(1 for d in recent if group.test(d))
    history_in_group = [d for d in history if group.test(d)]
    if not period.enough_history:
        return GroupSignal(
            group=group,
            observed=observed,
            history_count=len(history_in_group),
            expected=None,
            p_value=None,
            level=stats.Level.NO_HISTORY,
            words=[
                f"{group.count_words(observed)} in the last {period.window_days} days.",
                "Not enough history to compare with: the area needs at least a year of "
                "deaths recorded before this window.",
            ],
            sparkline=None,
        )
    count = len(history_in_group)
    expected = (count or stats.ZERO_HISTORY_COUNT) / period.history_days * period.window_days
    p_value = stats.poisson_upper_tail(observed, expected)
    return GroupSignal(
        group=group,
        observed=observed,
        history_count=count,
        expected=expected,
        p_value=p_value,
        level=stats.level_for(observed=observed, p_value=p_value),
        words=_words(group, period, observed, expected, p_value),
        sparkline=_reference_sparkline(group, period, [*history_in_group, *recent]),
    )


def _reference_records_start(*, area_id: int) -> datetime.date | None:
    """area_records_start as it was: two MINs over the area's cases and notifications."""
    from django.db.models import Min

    cases = Case.objects.filter(_counted_cases(area_id)).aggregate(
        died=Min("date_of_death"), recorded=Min("opened_at")
    )
    notifications = Notification.objects.filter(_counted_notifications(area_id)).aggregate(
        died=Min("date_of_death"), recorded=Min("received_at")
    )
    died = [d for d in (cases["died"], notifications["died"]) if d is not None]
    recorded = [
        timezone.localdate(at) for at in (cases["recorded"], notifications["recorded"]) if at
    ]
    if not died:
        return None
    return max(min(died), min(recorded) - RECORDING_GRACE)


def _reference_dashboard(*, area: Area, window_days: int, years: int) -> Dashboard:
    period = period_for(area_id=area.pk, window_days=window_days, years=years)
    # period_for as it was, with the old records start.
    records = _reference_records_start(area_id=area.pk)
    assert period.history_start == (
        None
        if records is None
        else max(period.window_start - datetime.timedelta(days=round(365.25 * years)), records)
    )
    deaths: list[Death] = []
    if period.history_start is not None:
        deaths = _reference_deaths(area_id=area.pk, since=period.history_start, until=period.today)
    recent = [d for d in deaths if d.date_of_death >= period.window_start]
    history = [d for d in deaths if d.date_of_death < period.window_start]
    return Dashboard(
        area=area,
        period=period,
        signals=[_reference_signal(g, period, recent, history) for g in rules.WATCHED_GROUPS],
    )


# --- A seeded mixture of deaths ----------------------------------------------------------------

NHS_NUMBERS = ("", "", "9990000018", "9990000026", "9990000034", "9990000042", "9990000050")
FIRST_NAMES = ("Amelia", "amy", " Ben", "Ben", "Élodie", "Zoe", "Oliver")
WORDS = (
    "Synthetic: found hanging at home.",
    "Accidental OVERDOSE of a grandparent's tablets.",
    "Self harm noted by the school.",
    "Synthetic circumstances for a test.",
    "Died in hospital after a short illness.",
)


def _retyped(name: str) -> tuple[str, ...]:
    """The same name as another notifier might type it: in other letters' case, with a
    space before it. ASCII initials only, as when the initial was compared in SQL (it is now
    part of child_identity_index, folded in Python)."""
    if not name.strip()[:1].isascii():
        return ()
    return (name.strip().lower(), " " + name.upper())


def _born(rng: random.Random, died: datetime.date) -> datetime.date:
    """Ages that sit on the groups' edges as often as not."""
    kind = rng.randrange(6)
    if kind == 0:  # the neonatal edge: 0 to 40 days
        return died - datetime.timedelta(days=rng.randint(0, 40))
    if kind in (1, 2):  # the birthday on the day of death, or the day after it
        years = rng.choice((1, 2, 9, 10, 11, 17))
        try:
            born = died.replace(year=died.year - years)
        except ValueError:  # died on 29 February
            born = died.replace(year=died.year - years, day=28)
        return born + datetime.timedelta(days=kind - 1)
    if kind == 3:  # born on 29 February
        leap = rng.choice(range(2004, died.year + 1, 4))
        born = datetime.date(leap, 2, 29)
        return born if born <= died else died
    return died - datetime.timedelta(days=rng.randint(0, 17 * 365))


def _died(rng: random.Random) -> datetime.date:
    # Over six and a half years: some before any history asked for, many in every window.
    return days_ago(rng.choice((rng.randint(0, 200), rng.randint(0, 6 * 365 + 200))))


def _seed(area: Area, other_area: Area, by: User, *, seed: int) -> None:
    rng = random.Random(seed)
    suicide = category("suicide_self_harm")
    other_category = category("infection")
    cases: list[Case] = []
    for _ in range(160):
        died = _died(rng)
        status = rng.choice(list(Status))
        # With the third seed the area began recording 700 days ago, and opened cases for
        # older deaths since: its records start then, less the grace.
        opened = max(died, days_ago(700)) if seed == 3 else died
        case = death(
            area,
            died,
            opened_at=datetime.datetime.combine(opened, datetime.time(12), LONDON),
            age_days=(died - _born(rng, died)).days,
            unexpected=rng.random() < 0.4,
            status=status,
            child_nhs_number=rng.choice(NHS_NUMBERS),
            child_first_name=rng.choice(FIRST_NAMES),
            child_sex=rng.choice((Sex.FEMALE, Sex.MALE)),
        )
        if case.expectedness == Expectedness.EXPECTED and rng.random() < 0.2:
            Case.objects.filter(pk=case.pk).update(expectedness=Expectedness.NOT_KNOWN)
        cases.append(case)
        if rng.random() < 0.25:
            now = timezone.now()
            Analysis.objects.create(
                case=case,
                form_version=form_version_current(),
                category=rng.choice((suicide, other_category, None)),
                created_at=now,
                created_by=by,
                updated_at=now,
                updated_by=by,
            )
        if rng.random() < 0.2:
            conclusion = rng.choice((InquestConclusion.SUICIDE, InquestConclusion.OPEN, ""))
            InquestFactory(
                case=case,
                recorded_by=by,
                conclusion=conclusion,
                concluded_on=TODAY if conclusion else None,
            )
        for _ in range(rng.choice((0, 0, 1, 2))):  # the notifications the case was opened from
            NotificationFactory(
                area=area,
                case=case,
                status=Notification.Status.CASE_OPENED,
                date_of_death=case.date_of_death,
                child_date_of_birth=case.child_date_of_birth,
                **{
                    rng.choice(rules.SUSPECTED_SUICIDE_TEXT_FIELDS): rng.choice(WORDS),
                },
            )
    # Another area's deaths, the same children among them: never counted here.
    for case in cases[:10]:
        death(
            other_area,
            case.date_of_death,
            age_days=(case.date_of_death - case.child_date_of_birth).days,
            child_nhs_number=case.child_nhs_number,
        )
    # The triage queue and what has left it: new deaths, deaths told again (by NHS number, by
    # the child's details with the initial's case or a space changed), chains of them.
    told: list[Notification] = []
    for i in range(140):
        kind = rng.randrange(4)
        like: Case | Notification | None = None
        if kind == 0:
            like = rng.choice(cases)
        elif kind == 1 and told:
            like = rng.choice(told)
        if like is None:
            died = _died(rng)
            details = {
                "date_of_death": died,
                "child_date_of_birth": _born(rng, died),
                "child_nhs_number": rng.choice(NHS_NUMBERS),
                "child_first_name": rng.choice(FIRST_NAMES),
                "child_sex": rng.choice((Sex.FEMALE, Sex.MALE)),
            }
        else:
            details = {
                "date_of_death": like.date_of_death,
                "child_date_of_birth": like.child_date_of_birth,
                "child_nhs_number": rng.choice((like.child_nhs_number, "", *NHS_NUMBERS)),
                "child_first_name": rng.choice(
                    (like.child_first_name, *_retyped(like.child_first_name), *FIRST_NAMES)
                ),
                "child_sex": rng.choice((like.child_sex, like.child_sex, Sex.NOT_KNOWN)),
            }
        status = rng.choice(
            (Notification.Status.NEW,) * 6
            + (Notification.Status.TRANSFERRED, Notification.Status.ADDED_TO_CASE)
        )
        told.append(
            NotificationFactory(
                area=rng.choice((area,) * 9 + (other_area,)),
                status=status,
                residence_status=rng.choice(
                    (ResidenceStatus.THIS_AREA,) * 4
                    + (
                        ResidenceStatus.OTHER_AREA,
                        ResidenceStatus.NOT_ENGLAND,
                        ResidenceStatus.UNKNOWN,
                    )
                ),
                # Several received in the same minute: the earliest by its number counts.
                received_at=datetime.datetime.combine(
                    details["date_of_death"], datetime.time(9), LONDON
                )
                + datetime.timedelta(minutes=rng.choice((0, 0, 1, 60 * 24 * rng.randint(0, 9)))),
                expectedness=rng.choice(list(Expectedness)),
                circumstances=rng.choice(WORDS),
                ncmd_alert_reason=rng.choice(("", "", "Suspected suicide.")),
                **details,
            )
        )
        if i % 20 == 0 and cases:  # a new one that still points at a case: not counted
            NotificationFactory(area=area, case=rng.choice(cases), date_of_death=days_ago(3))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_counts_are_the_old_counts_for_every_group_and_window(
    llr: Area, other_area: Area, alice: User, seed: int
) -> None:
    _seed(llr, other_area, alice, seed=seed)
    compared = 0
    for window in rules.WINDOW_CHOICES:
        for years in rules.HISTORY_YEAR_CHOICES:
            new = surveillance_dashboard(area=llr, window_days=window, years=years)
            old = _reference_dashboard(area=llr, window_days=window, years=years)
            assert new.period == old.period
            for ours, theirs in zip(new.signals, old.signals, strict=True):
                # Every field: the counts, the expected count, the chance, the words and
                # the line of counts per window.
                assert ours == theirs, (window, years, ours.group.code)
                compared += 1
    assert compared == len(rules.WINDOW_CHOICES) * len(rules.HISTORY_YEAR_CHOICES) * 7
    # The mixture did exercise what it is for: every group has deaths, and duplicates of
    # untriaged notifications were found.
    dashboard = surveillance_dashboard(area=llr, window_days=180, years=5)
    assert all(s.observed + s.history_count > 0 for s in dashboard.signals)
    deaths = _reference_deaths(area_id=llr.pk, since=days_ago(10 * 366), until=TODAY)
    counted = {d.source_pk for d in deaths if d.source == "notification"}
    waiting = Notification.objects.filter(_counted_notifications(llr.pk)).count()
    assert 0 < len(counted) < waiting


def test_a_chain_of_notifications_counts_as_it_did(llr: Area) -> None:
    # The first and second share an NHS number; the second and third the child's details.
    # The second is not counted (the first's child), so the third is not its duplicate.
    died, born = days_ago(10), days_ago(400)
    for nhs, first in (("9990000018", "Amelia"), ("9990000018", "Zoe"), ("", "zoe")):
        NotificationFactory(
            area=llr,
            child_nhs_number=nhs,
            child_first_name=first,
            date_of_death=died,
            child_date_of_birth=born,
        )
    tally = area_tally(area_id=llr.pk, since=days_ago(365), until=TODAY, window_days=90)
    assert tally["all"] == {0: 2}
    assert len(_reference_deaths(area_id=llr.pk, since=days_ago(365), until=TODAY)) == 2


def test_a_notification_of_a_counted_case_is_not_counted_again(llr: Area) -> None:
    counted = death(llr, days_ago(10), child_first_name="Ben", child_nhs_number="")
    NotificationFactory(
        area=llr,
        child_nhs_number="",
        child_first_name=" ben",  # the same initial, whatever its case and spaces
        child_sex=counted.child_sex,
        date_of_death=counted.date_of_death,
        child_date_of_birth=counted.child_date_of_birth,
    )
    tally = area_tally(area_id=llr.pk, since=days_ago(365), until=TODAY, window_days=90)
    assert tally["all"] == {0: 1}


def test_the_age_groups_meet_at_the_birthday_on_both_databases(llr: Area) -> None:
    # Born on 29 February 2016: ten on 1 March 2026 (not on 28 February); a day-old and a
    # 27-day-old neonate, a 28-day-old not.
    for died, born in (
        (datetime.date(2026, 2, 28), datetime.date(2016, 2, 29)),
        (datetime.date(2026, 3, 1), datetime.date(2016, 2, 29)),
        (days_ago(1), days_ago(2)),
        (days_ago(1), days_ago(28)),
        (days_ago(1), days_ago(29)),
        (days_ago(2), days_ago(2 + 365)),  # one year old today
    ):
        case = death(llr, died, age_days=(died - born).days, unexpected=True)
        NotificationFactory(
            area=llr, case=case, status=Notification.Status.CASE_OPENED, circumstances="Ligature."
        )
    tally = area_tally(area_id=llr.pk, since=days_ago(3 * 365), until=TODAY, window_days=30)
    total = {code: sum(counts.values()) for code, counts in tally.items()}
    assert total == {
        "all": 6,
        "infant": 3,
        "neonatal": 2,
        "child": 3,
        "unexpected": 6,
        "sudi_sudc": 4,
        "suicide": 1,  # the ten-year-old on 1 March, not the nine-year-old the day before
    }


def test_the_dashboard_reads_a_few_rows_whatever_the_number_of_deaths(llr: Area) -> None:
    for day in range(0, 1200, 3):
        death(llr, days_ago(day))
    NotificationFactory(area=llr, date_of_death=days_ago(5), child_nhs_number="9990000050")
    # The area's first death and first record, the cases' counts, the notifications told
    # once, those told more than once; besides, the shared cache's own statements (the tally
    # is kept: test_kept_tally.py).
    with CaptureQueriesContext(connection) as queries:
        dashboard = surveillance_dashboard(area=llr, window_days=30, years=5)
    counting = [q for q in queries if "cdop_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert len(counting) == 4
    everything = next(s for s in dashboard.signals if s.group.code == "all")
    assert everything.observed == 10 + 1
    assert everything.history_count == 400 - 10
