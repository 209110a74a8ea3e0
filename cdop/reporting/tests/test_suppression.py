"""Small-number suppression: no count of 1 to 4 is shown, or can be worked out from what is."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cdop.reporting.suppression import (
    PRIMARY_MARK,
    SECONDARY_MARK,
    WITHHELD_MARK,
    Cell,
    suppress_one_way,
    suppress_two_way,
)

# Small counts are common in real tables, so weight the draw towards them.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40), st.integers(0, 2000))


def reader_range(cell: Cell) -> range:
    """What a reader who knows the rules can say about a figure from its display alone."""
    if cell.shown:
        return range(cell.value, cell.value + 1)
    if cell.primary:
        return range(1, 5)
    return range(5, 10**6)


def check_line(cells: list[Cell], total: Cell) -> None:
    """The checks of the brief for one line: cells and the total they add up to."""
    assert total.value == sum(c.value for c in cells)
    if total.withheld:
        return
    hidden = [c for c in cells if not c.shown]
    if total.shown:
        assert len(hidden) != 1, "a line with one hidden cell and its total gives it away"
        assert not 1 <= sum(c.value for c in hidden) <= 4, "hidden cells adding to 1 to 4"


def check_common(cells: list[Cell]) -> None:
    if any(c.withheld for c in cells):
        assert all(c.withheld and not c.shown and c.display == WITHHELD_MARK for c in cells)
        return
    for cell in cells:
        if 1 <= cell.value <= 4:
            assert not cell.shown
            assert cell.display == PRIMARY_MARK
        if cell.shown:
            assert cell.display == f"{cell.value:,}"
            assert cell.shown_value == cell.value
        else:
            assert cell.shown_value is None
            assert cell.value != 0, "a zero is never hidden"
            assert cell.display == (PRIMARY_MARK if 1 <= cell.value <= 4 else SECONDARY_MARK)


def one_way_alternatives(cells: list[Cell], total: Cell, position: int) -> set[int]:
    """Every value the hidden cell at `position` could take, given everything shown.

    Independent of the module: the other hidden cells can add up to any whole number between
    the sums of their smallest and largest possible values.
    """
    target = cells[position]
    others = [c for i, c in enumerate(cells) if i != position]
    shown_sum = sum(c.value for c in others if c.shown)
    hidden_others = [reader_range(c) for c in others if not c.shown]
    low = sum(r.start for r in hidden_others)
    high = sum(r.stop - 1 for r in hidden_others)
    possible = set()
    for value in reader_range(target):
        if value > 10**4:
            break
        for total_value in reader_range(total):
            if total_value > 10**5:
                break
            rest = total_value - shown_sum - value
            if low <= rest <= high:
                possible.add(value)
                break
    return possible


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), counts, max_size=12))
def test_one_way_hides_small_counts_and_nothing_can_be_worked_out(table):
    result = suppress_one_way(table)
    cells = list(result.cells.values())
    assert result.total is not None
    check_common(result.all_cells())
    check_line(cells, result.total)
    assert [c.value for c in cells] == list(table.values()), "the values are exact"
    for position, cell in enumerate(cells):
        if not cell.shown and not result.withheld:
            possible = one_way_alternatives(cells, result.total, position)
            assert cell.value in possible
            assert len(possible) >= 2, f"hidden cell {position} can be worked out"


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.lists(counts, min_size=1, max_size=6), min_size=1, max_size=8).map(
        lambda rows: [row + [0] * (max(map(len, rows)) - len(row)) for row in rows]
    )
)
def test_two_way_hides_small_counts_and_every_line_is_safe(rows):
    table = {f"r{i}": {f"c{j}": v for j, v in enumerate(row)} for i, row in enumerate(rows)}
    grid = suppress_two_way(table)
    assert grid.row_totals is not None
    assert grid.column_totals is not None
    assert grid.grand_total is not None
    check_common(grid.all_cells())
    for r in grid.row_labels:
        check_line(grid.row(r), grid.row_totals[r])
    for c in grid.column_labels:
        check_line([grid.cells[r, c] for r in grid.row_labels], grid.column_totals[c])
    check_line(list(grid.column_totals.values()), grid.grand_total)
    check_line(list(grid.row_totals.values()), grid.grand_total)
    for (r, c), cell in grid.cells.items():
        assert cell.value == table[r][c]


def two_by_two_solutions(grid) -> list[tuple[int, ...]]:
    """Brute force: every 2x2 table (cells, then totals) agreeing with what is shown."""
    labels = [(r, c) for r in grid.row_labels for c in grid.column_labels]
    choices = []
    for key in labels:
        cell = grid.cells[key]
        span = reader_range(cell)
        # a secondary cell could be anything from 5; near its value is enough to find another
        choices.append(range(span.start, min(span.stop, max(span.start, cell.value) + 4)))
    found = []
    for values in itertools.product(*choices):
        a, b, c, d = values
        totals = {
            "rows": [a + b, c + d],
            "columns": [a + c, b + d],
            "grand": [a + b + c + d],
        }
        published = {
            "rows": list(grid.row_totals.values()),
            "columns": list(grid.column_totals.values()),
            "grand": [grid.grand_total],
        }
        if all(
            value in reader_range(cell)
            for key in totals
            for value, cell in zip(totals[key], published[key], strict=True)
        ):
            found.append(values + tuple(totals["rows"] + totals["columns"] + totals["grand"]))
    return found


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 9), st.integers(0, 30)), min_size=4, max_size=4))
def test_no_hidden_figure_of_a_two_by_two_table_can_be_worked_out(values):
    a, b, c, d = values
    grid = suppress_two_way({"x": {"p": a, "q": b}, "y": {"p": c, "q": d}})
    figures = [
        *(grid.cells[k] for k in [("x", "p"), ("x", "q"), ("y", "p"), ("y", "q")]),
        *grid.row_totals.values(),
        *grid.column_totals.values(),
        grid.grand_total,
    ]
    if grid.withheld:
        assert sum(values) <= 4
        assert not any(f.shown for f in figures)
        return
    solutions = two_by_two_solutions(grid)
    assert tuple(f.value for f in figures) in solutions
    for position, figure in enumerate(figures):
        if not figure.shown:
            assert len({s[position] for s in solutions}) >= 2, (
                f"figure {position} of {values} can be worked out"
            )


def test_a_known_table_is_suppressed_as_expected():
    table = suppress_one_way({"a": 3, "b": 10, "c": 0, "d": 25})
    assert [c.display for c in table.cells.values()] == ["<5", "*", "0", "25"]
    assert table.total is not None
    assert table.total.display == "38"


def test_two_small_cells_adding_to_less_than_five_take_a_third_with_them():
    table = suppress_one_way({"a": 1, "b": 2, "c": 100})
    assert [c.display for c in table.cells.values()] == ["<5", "<5", "*"]
    assert table.total is not None
    assert table.total.shown


def test_a_line_with_nothing_else_to_hide_hides_its_total():
    table = suppress_one_way({"a": 4, "b": 4})  # shown total 8 would make both exactly 4
    assert table.total is not None
    assert table.total.display == SECONDARY_MARK


def test_a_total_of_one_to_four_is_itself_hidden():
    table = suppress_one_way({"a": 2, "b": 0})
    assert table.total is not None
    assert table.total.display == PRIMARY_MARK


def test_a_two_way_table_closes_a_rectangle_rather_than_hiding_totals():
    grid = suppress_two_way({"m": {"x": 3, "y": 10, "z": 12}, "f": {"x": 7, "y": 8, "z": 9}})
    assert [c.display for c in grid.row("m")] == ["<5", "*", "12"]
    assert [c.display for c in grid.row("f")] == ["*", "*", "9"]
    assert grid.grand_total is not None
    assert grid.grand_total.display == "49"
    assert all(c.shown for c in grid.column_totals.values())  # type: ignore[union-attr]


def test_zero_is_shown_and_large_numbers_have_commas():
    table = suppress_one_way({"a": 0, "b": 1234, "c": 5000}, with_total=False)
    assert [c.display for c in table.cells.values()] == ["0", "1,234", "5,000"]
    assert table.total is None


def test_a_table_of_four_ones_is_withheld_whole():
    grid = suppress_two_way({"x": {"p": 1, "q": 1}, "y": {"p": 1, "q": 1, "r": 0}})
    assert grid.withheld
    assert {c.display for c in grid.all_cells()} == {WITHHELD_MARK}


def test_negative_counts_are_refused():
    import pytest

    with pytest.raises(ValueError, match="negative"):
        suppress_one_way({"a": -1})
