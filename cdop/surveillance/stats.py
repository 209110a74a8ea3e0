"""The test behind each row of the dashboard, and its result in plain words.

Observed: the deaths of a group whose date of death falls in the recent window. Expected: the
group's rate per day over the area's own history (the years before the window) times the
window's length. Test: one-sided exact Poisson, P(X >= observed | mean = expected), summed
from the probability mass function with the standard library (no SciPy).
"""

from __future__ import annotations

import functools
import math
from enum import StrEnum

AMBER_P = 0.05
RED_P = 0.01
# Fewer deaths than this are never flagged: one or two deaths in a small group can look
# improbable against a tiny expected count and still mean nothing.
MIN_OBSERVED = 3
# A group with no deaths at all in the history is given half a death (a standard
# correction), so that its expected count is small rather than zero and the test does not
# call a single death impossible.
ZERO_HISTORY_COUNT = 0.5


class Level(StrEnum):
    NONE = "none"
    AMBER = "amber"
    RED = "red"
    NO_HISTORY = "no_history"


LEVEL_TAGS: dict[Level, tuple[str, str]] = {
    # (the tag's words, its GOV.UK colour class)
    Level.NONE: ("No concern", "govuk-tag--green"),
    Level.AMBER: ("Worth a look", "govuk-tag--yellow"),
    Level.RED: ("Unusual", "govuk-tag--red"),
    Level.NO_HISTORY: ("Not enough history", "govuk-tag--grey"),
}


def poisson_pmf(k: int, mean: float) -> float:
    if mean == 0:
        return 1.0 if k == 0 else 0.0
    return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))


@functools.lru_cache(maxsize=4096)
def poisson_upper_tail(observed: int, mean: float) -> float:
    """P(X >= observed) for X ~ Poisson(mean): the chance of a count at least this high.
    Kept for the same values: the dashboard asks the same few hundred on every view."""
    if mean < 0:
        raise ValueError("A Poisson mean cannot be negative")
    if observed <= 0:
        return 1.0
    if mean == 0:
        return 0.0
    if observed <= mean:
        # The lower sum is short and the answer is not small: 1 - P(X < observed).
        below = math.fsum(poisson_pmf(k, mean) for k in range(observed))
        return min(1.0, max(0.0, 1.0 - below))
    # Past the mean the terms only fall: sum them upwards until they stop mattering, so a
    # tiny probability keeps its precision (1 - almost 1 would not).
    terms: list[float] = []
    k = observed
    term = poisson_pmf(k, mean)
    while term > 0:
        terms.append(term)
        k += 1
        term *= mean / k
        if term < 1e-17 * terms[0]:
            break
    return min(1.0, math.fsum(terms))


def level_for(*, observed: int, p_value: float) -> Level:
    if observed < MIN_OBSERVED:
        return Level.NONE
    if p_value < RED_P:
        return Level.RED
    if p_value < AMBER_P:
        return Level.AMBER
    return Level.NONE


def _significant(value: float, digits: int = 2) -> int:
    if value <= 0:
        return 0
    magnitude = math.floor(math.log10(value))
    step = 10 ** max(magnitude - digits + 1, 0)
    return int(round(value / step) * step)


def chance_words(p_value: float) -> str:
    """'about 1 time in 30' for p = 0.0338."""
    if p_value <= 0 or p_value < 1 / 10_000:
        return "less than 1 time in 10,000"
    if p_value >= 0.5:
        return "more often than not"
    times = max(2, _significant(1 / p_value))
    return f"about 1 time in {times:,}"


def expected_words(expected: float) -> str:
    if expected < 0.05:
        return "less than 0.1"
    return f"about {expected:.1f}"


def years_words(days: int) -> str:
    years = days / 365.25
    if abs(years - round(years)) < 0.05:
        whole = round(years)
        return "the last year" if whole == 1 else f"the last {whole} years"
    return f"the last {years:.1f} years"
