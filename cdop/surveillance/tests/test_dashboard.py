"""The dashboard's figures: what is counted, against which history, and what is flagged."""

from __future__ import annotations

import datetime

import pytest

from cdop.analysis.models import Analysis
from cdop.analysis.tests.factories import category
from cdop.areas.models import Area
from cdop.cases.workflow import Status
from cdop.core.tests.factories import NotificationFactory
from cdop.investigations.tests.factories import InquestFactory
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus
from cdop.surveillance import rules, stats
from cdop.surveillance.selectors import area_deaths, surveillance_dashboard
from cdop.surveillance.tests.conftest import LONDON, TODAY
from cdop.surveillance.tests.factories import cluster, days_ago, death, history

pytestmark = pytest.mark.django_db


def _signal(area: Area, code: str, **kwargs: int):  # type: ignore[no-untyped-def]
    dashboard = surveillance_dashboard(
        area=area, window_days=kwargs.get("window", 90), years=kwargs.get("years", 5)
    )
    return next(s for s in dashboard.signals if s.group.code == code)


def test_a_cluster_of_infant_deaths_is_flagged_unusual(llr: Area) -> None:
    history(llr)  # 20 infant deaths in the 5 years before the window
    cluster(llr, 6)
    signal = _signal(llr, "infant")
    assert signal.observed == 6
    assert signal.history_count == 20
    assert signal.expected == pytest.approx(1.0, abs=0.1)
    assert signal.p_value is not None
    assert signal.p_value < 0.01
    assert signal.level == stats.Level.RED
    assert signal.tag == ("Unusual", "govuk-tag--red")
    assert signal.words[0] == "6 infant deaths in the last 90 days."
    assert signal.words[1].startswith("We would expect about 1.0 in 90 days, from the last ")
    assert "would happen by chance about 1 time in" in signal.words[2]
    assert signal.words[-1] == "Unusual: look at these deaths together."
    # The trend ends with the recent window's count.
    assert signal.sparkline is not None
    assert signal.sparkline.counts[-1] == 6


def test_the_usual_pattern_is_not_flagged(llr: Area) -> None:
    history(llr)
    cluster(llr, 1)
    signal = _signal(llr, "infant")
    assert signal.observed == 1
    assert signal.level == stats.Level.NONE
    assert signal.tag == ("No concern", "govuk-tag--green")
    assert signal.words[-1] == "That is no more than usual."


def test_three_against_one_is_worth_a_look(llr: Area) -> None:
    history(llr)
    cluster(llr, 3)
    signal = _signal(llr, "infant")
    # P(X >= 3 | about 1) is about 0.08: not flagged; 4 is about 0.02: amber.
    assert signal.level == stats.Level.NONE
    assert signal.words[-1] == "Not unusual."
    death(llr, days_ago(60))
    signal = _signal(llr, "infant")
    assert signal.observed == 4
    assert signal.level == stats.Level.AMBER
    assert signal.words[-1] == "Worth a look."


def test_without_a_year_of_history_it_says_not_enough_history(llr: Area) -> None:
    death(llr, days_ago(200))
    cluster(llr, 5)
    dashboard = surveillance_dashboard(area=llr, window_days=90, years=5)
    assert not dashboard.period.enough_history
    for signal in dashboard.signals:
        assert signal.level == stats.Level.NO_HISTORY
        assert signal.expected is None
        assert signal.tag == ("Not enough history", "govuk-tag--grey")
    infant = next(s for s in dashboard.signals if s.group.code == "infant")
    assert infant.observed == 5
    assert "Not enough history" in infant.words[1]


def test_an_area_with_no_deaths_has_no_history(llr: Area) -> None:
    dashboard = surveillance_dashboard(area=llr, window_days=90, years=5)
    assert dashboard.period.history_start is None
    assert all(s.level == stats.Level.NO_HISTORY and s.observed == 0 for s in dashboard.signals)


def test_the_history_is_what_the_area_holds_when_it_is_shorter_than_asked(llr: Area) -> None:
    history(llr, years=2)
    dashboard = surveillance_dashboard(area=llr, window_days=90, years=5)
    period = dashboard.period
    assert period.history_start == days_ago(95 + 91 * 6)  # the earliest death held
    assert period.history_days == 552  # from it to the window's first day, 89 days ago
    assert period.enough_history
    signal = next(s for s in dashboard.signals if s.group.code == "all")
    assert signal.history_count == 7
    assert signal.expected == pytest.approx(7 / 552 * 90)
    assert "from the last 1.5 years" in signal.words[1]


def test_deaths_recorded_before_the_area_began_do_not_lengthen_its_history(llr: Area) -> None:
    # The area began eight months ago, and opened cases for deaths up to three years old
    # whose reviews were still going on: those years are not complete.
    began = datetime.datetime(2026, 3, 28, 12, 0, tzinfo=LONDON)
    for days in (300, 700, 1000):
        death(llr, days_ago(days), opened_at=began)
    cluster(llr, 3, opened_at=began + datetime.timedelta(days=200))
    dashboard = surveillance_dashboard(area=llr, window_days=90, years=5)
    # From four weeks before the first case was opened (deaths notified in its first days).
    assert dashboard.period.history_start == datetime.date(2026, 2, 28)
    assert not dashboard.period.enough_history
    assert all(s.level == stats.Level.NO_HISTORY for s in dashboard.signals)


def test_deaths_are_placed_by_date_of_death_and_the_window_can_change(llr: Area) -> None:
    history(llr)
    death(llr, days_ago(0))  # died today: in every window
    death(llr, days_ago(45))  # in 60, 90 and 180 days, not 30
    death(llr, days_ago(120))  # in 180 days only
    counts = {window: _signal(llr, "all", window=window).observed for window in (30, 60, 180)}
    assert counts[30] == 1
    assert counts[60] == 2
    # 0, 45 and 120 days ago, and the steady history's death 95 days ago (not 186).
    assert counts[180] == 4


def test_merged_transferred_and_out_of_scope_cases_are_not_counted(llr: Area) -> None:
    for status in (Status.MERGED, Status.TRANSFERRED, Status.OUT_OF_SCOPE):
        death(llr, days_ago(10), status=status)
    death(llr, days_ago(10), status=Status.FINALISED)
    assert len(area_deaths(area_id=llr.pk, since=days_ago(89), until=TODAY)) == 1


def test_an_untriaged_notification_counts_once_per_child(llr: Area, other_area: Area) -> None:
    counted = death(llr, days_ago(10), child_nhs_number="9990000034")
    # Another notifier's report of the same child, not yet added to the case.
    NotificationFactory(
        area=llr,
        child_nhs_number="9990000034",
        date_of_death=counted.date_of_death,
        child_date_of_birth=counted.child_date_of_birth,
    )
    # A new death, told twice, once without an NHS number.
    for nhs in ("9990000042", ""):
        NotificationFactory(
            area=llr,
            child_first_name="Amelia",
            child_nhs_number=nhs,
            child_sex="female",
            date_of_death=days_ago(3),
            child_date_of_birth=days_ago(300),
        )
    # Not counted: lived in another area (to be transferred), already transferred, or
    # another area's.
    NotificationFactory(
        area=llr, residence_status=ResidenceStatus.OTHER_AREA, date_of_death=days_ago(4)
    )
    NotificationFactory(area=llr, status=Notification.Status.TRANSFERRED, date_of_death=days_ago(4))
    NotificationFactory(area=other_area, date_of_death=days_ago(4))
    deaths = area_deaths(area_id=llr.pk, since=days_ago(89), until=TODAY)
    assert sorted(d.source for d in deaths) == ["case", "notification"]


def _suicide(area: Area) -> bool:
    (found,) = area_deaths(area_id=area.pk, since=days_ago(89), until=TODAY)
    return rules.GROUPS_BY_CODE["suicide"].test(found)


def test_suspected_suicide_from_the_notifiers_words_for_a_child_of_10_or_over(llr: Area) -> None:
    case = death(llr, days_ago(20), age_days=15 * 365, unexpected=True)
    NotificationFactory(
        area=llr,
        case=case,
        status=Notification.Status.CASE_OPENED,
        circumstances="Found by a parent; police suspect Suicide. Ligature noted.",
    )
    assert _suicide(llr)


def test_the_words_do_not_make_a_young_child_a_suspected_suicide(llr: Area) -> None:
    case = death(llr, days_ago(20), age_days=3 * 365, unexpected=True)
    NotificationFactory(
        area=llr,
        case=case,
        status=Notification.Status.CASE_OPENED,
        circumstances="Accidental overdose of a grandparent's tablets.",
    )
    assert not _suicide(llr)


def test_an_untriaged_notification_can_be_a_suspected_suicide(llr: Area) -> None:
    NotificationFactory(
        area=llr,
        date_of_death=days_ago(2),
        child_date_of_birth=days_ago(16 * 365),
        circumstances="Synthetic: found hanging at home.",
    )
    assert _suicide(llr)


def test_the_panels_category_of_death_overrides_the_words(llr: Area, alice) -> None:  # type: ignore[no-untyped-def]
    case = death(llr, days_ago(20), age_days=15 * 365)
    NotificationFactory(
        area=llr, case=case, status=Notification.Status.CASE_OPENED, circumstances="Overdose."
    )
    _analysis(case, alice, "trauma_external")
    assert not _suicide(llr)
    Analysis.objects.filter(case=case).update(category=category("suicide_self_harm"))
    assert _suicide(llr)


def test_an_inquest_conclusion_of_suicide_counts(llr: Area) -> None:
    case = death(llr, days_ago(80), age_days=16 * 365)
    assert not _suicide(llr)
    InquestFactory(case=case, concluded_on=days_ago(1), conclusion="suicide")
    assert _suicide(llr)


def _analysis(case, by, code: str) -> Analysis:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from cdop.analysis.selectors import form_version_current

    now = timezone.now()
    return Analysis.objects.create(
        case=case,
        form_version=form_version_current(),
        category=category(code),
        created_at=now,
        created_by=by,
        updated_at=now,
        updated_by=by,
    )


def test_the_groups_by_age_and_expectedness(llr: Area) -> None:
    death(llr, days_ago(1), age_days=3)  # neonatal, infant
    death(llr, days_ago(1), age_days=200, unexpected=True)  # infant, unexpected, SUDI
    death(llr, days_ago(1), age_days=500, unexpected=True)  # child, unexpected, SUDC
    death(llr, days_ago(1), age_days=9 * 365, unexpected=True)  # child, unexpected
    deaths = area_deaths(area_id=llr.pk, since=days_ago(89), until=TODAY)
    counts = {g.code: sum(1 for d in deaths if g.test(d)) for g in rules.WATCHED_GROUPS}
    assert counts == {
        "all": 4,
        "infant": 2,
        "neonatal": 1,
        "child": 2,
        "unexpected": 3,
        "sudi_sudc": 2,
        "suicide": 0,
    }


def test_a_group_with_no_deaths_in_its_history_is_given_half_of_one(llr: Area) -> None:
    history(llr)  # all infants aged 100 days: no neonatal deaths at all
    signal = _signal(llr, "neonatal")
    assert signal.observed == 0
    assert signal.history_count == 0
    assert signal.expected is not None
    assert signal.expected == pytest.approx(0.5 / 1735 * 90)
    assert signal.expected_figure == "<0.1"
    assert signal.ratio is None
    assert signal.words[0] == "No neonatal deaths in the last 90 days."
    assert signal.level == stats.Level.NONE
    death(llr, days_ago(1), age_days=2)
    signal = _signal(llr, "neonatal")
    # One death against almost none expected: improbable, but one is never flagged.
    assert signal.p_value is not None
    assert signal.p_value < 0.05
    assert signal.level == stats.Level.NONE
    assert signal.words[-1] == "Fewer than 3 deaths are not flagged: too few to judge."
