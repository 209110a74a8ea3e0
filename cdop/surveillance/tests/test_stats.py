"""The exact Poisson test, checked against sums worked out another way."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdop.surveillance import stats


def _upper_tail_by_factorials(observed: int, mean: float) -> float:
    """An independent route: 1 minus the lower sum, term by term with exact factorials."""
    lower = sum(Fraction(mean) ** k / math.factorial(k) for k in range(observed))
    return 1 - math.exp(-mean) * float(lower)


def test_four_deaths_against_an_expected_1_point_2_has_a_chance_of_about_1_in_30() -> None:
    p = stats.poisson_upper_tail(4, 1.2)
    # 1 - e^-1.2 (1 + 1.2 + 0.72 + 0.288) = 0.033769...
    assert p == pytest.approx(1 - math.exp(-1.2) * (1 + 1.2 + 1.2**2 / 2 + 1.2**3 / 6), rel=1e-12)
    assert p == pytest.approx(0.03377, abs=1e-5)
    assert p == pytest.approx(_upper_tail_by_factorials(4, 1.2), rel=1e-12)
    assert stats.chance_words(p) == "about 1 time in 30"


@pytest.mark.parametrize(
    ("observed", "mean"),
    [(1, 0.5), (3, 0.2), (6, 1.0), (10, 4.5), (2, 7.0), (25, 12.3), (40, 38.0)],
)
def test_it_agrees_with_the_sum_of_factorials(observed: int, mean: float) -> None:
    assert stats.poisson_upper_tail(observed, mean) == pytest.approx(
        _upper_tail_by_factorials(observed, mean), rel=1e-9, abs=1e-15
    )


def test_a_tiny_chance_keeps_its_precision() -> None:
    # 30 deaths against 1 expected: e^-1 / 30! dominates; 1 - (almost 1) would give 0.
    p = stats.poisson_upper_tail(30, 1.0)
    assert p == pytest.approx(math.exp(-1) / math.factorial(30) * (1 + 1 / 31 + 1 / (31 * 32)))
    assert 0 < p < 1e-30
    assert stats.chance_words(p) == "less than 1 time in 10,000"


def test_edges() -> None:
    assert stats.poisson_upper_tail(0, 3.0) == 1.0
    assert stats.poisson_upper_tail(1, 0.0) == 0.0
    assert stats.poisson_upper_tail(1, 1.0) == pytest.approx(1 - math.exp(-1))
    with pytest.raises(ValueError, match="negative"):
        stats.poisson_upper_tail(1, -1.0)


@given(
    observed=st.integers(min_value=0, max_value=60),
    mean=st.floats(min_value=0.01, max_value=50, allow_nan=False),
)
def test_it_is_a_probability_that_falls_as_the_count_rises(observed: int, mean: float) -> None:
    p = stats.poisson_upper_tail(observed, mean)
    assert 0.0 <= p <= 1.0
    assert stats.poisson_upper_tail(observed + 1, mean) <= p + 1e-12
    assert stats.poisson_upper_tail(observed, mean * 1.5) >= p - 1e-12


def test_levels_need_three_deaths_and_a_small_chance() -> None:
    assert stats.level_for(observed=2, p_value=1e-6) == stats.Level.NONE
    assert stats.level_for(observed=3, p_value=0.2) == stats.Level.NONE
    assert stats.level_for(observed=3, p_value=0.03) == stats.Level.AMBER
    assert stats.level_for(observed=3, p_value=0.009) == stats.Level.RED


def test_chance_and_expected_in_words() -> None:
    assert stats.chance_words(0.6) == "more often than not"
    assert stats.chance_words(0.25) == "about 1 time in 4"
    assert stats.chance_words(0.0068) == "about 1 time in 150"
    assert stats.expected_words(1.234) == "about 1.2"
    assert stats.expected_words(0.01) == "less than 0.1"
    assert stats.years_words(1826) == "the last 5 years"
    assert stats.years_words(365) == "the last year"
    assert stats.years_words(900) == "the last 2.5 years"
