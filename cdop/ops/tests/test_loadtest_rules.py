"""The load and fault scripts' own rules (loadtest/), which decide PASSED or FAILED: what
counts as a failure with and without faults, and how the simulated browser keeps cookies.
The scripts themselves run against `make run-prod-like` (docs/operations.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "loadtest"))

import submit_load


def _result(statuses: dict[str, int], *, faults: bool) -> submit_load.LoadResult:
    config = submit_load.Config(ports=[8001], notifications=1, faults_expected=faults)
    result = submit_load.LoadResult(config=config, stats=submit_load.Stats())
    result.stats.statuses.update(statuses)
    return result


def test_without_faults_any_5xx_or_lost_connection_fails_the_run() -> None:
    assert submit_load.check_answers(_result({"200": 10, "302": 5}, faults=False)) == []
    assert submit_load.check_answers(_result({"200": 10, "503": 1}, faults=False)) == [
        "1 answers were 5xx"
    ]
    assert submit_load.check_answers(
        _result({"200": 10, "no answer (ConnectionRefusedError)": 2}, faults=False)
    ) == ["2 requests got no answer"]


def test_with_faults_503_and_lost_connections_are_expected_but_500_is_not() -> None:
    expected = {"200": 10, "503": 40, "no answer (ConnectionResetError)": 3}
    assert submit_load.check_answers(_result(expected, faults=True)) == []
    assert submit_load.check_answers(_result({**expected, "500": 1}, faults=True)) == [
        "1 answers were 5xx other than 503 'try again'"
    ]


def test_the_browser_keeps_and_forgets_cookies_as_a_browser_does() -> None:
    browser = submit_load.Browser([8001], 0, submit_load.Stats())
    browser._keep_cookies(
        [
            "__Host-csrftoken=abc; Path=/; Secure; HttpOnly",
            'cdop_notified="NTF-1|2:sig"; Max-Age=3600; Path=/',
        ]
    )
    assert browser.cookies == {"__Host-csrftoken": "abc", "cdop_notified": "NTF-1|2:sig"}
    browser._keep_cookies(["cdop_notified=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"])
    assert browser.cookies == {"__Host-csrftoken": "abc"}


@pytest.mark.parametrize(("item", "letters"), [(0, "A"), (25, "Z"), (26, "Aa"), (1999, "Bxx")])
def test_item_numbers_become_names_without_digits(item: int, letters: str) -> None:
    assert submit_load._letters(item) == letters
    assert submit_load._letters(item).isalpha()


def test_the_run_tag_marks_each_notification_distinctly() -> None:
    assert submit_load.circumstances_of("AB12CD34", 7) != submit_load.circumstances_of(
        "AB12CD34", 8
    )
    assert "AB12CD34-00007" in submit_load.circumstances_of("AB12CD34", 7)
