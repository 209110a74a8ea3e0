"""Small-number suppression for published tables (pure Python, no Django).

Counts from 1 to 4 are hidden and shown as ``"<5"`` (primary suppression); 0 is shown as 0.
Where a table has totals, more cells are hidden (secondary suppression, shown as ``"*"``) until
no hidden figure can be worked out exactly from what is shown. The reader is assumed to know
these rules: a ``"<5"`` is between 1 and 4, a ``"*"`` is 5 or more, and every line adds up.

The rules, for every line (a row or column with its total, the row of column totals, the column
of row totals):

* a hidden figure must be able to take at least one other value consistent with everything
  shown (so a line never has exactly one hidden figure, and two ``"<5"`` adding to 8 are not
  left as the only hidden cells: both would have to be 4);
* when a line's total is shown, its hidden cells must not add up to 1 to 4.

If even hiding every non-zero figure leaves one that can be worked out (four cells of 1 whose
total is under 5), the whole table is withheld: every figure, zeros too, shows ``"x"``.

Secondary cells are chosen cheapest first: an ordinary cell before a total, the smallest
non-zero value first. If no ordinary cell can help, the line's total is hidden.

The exactness check is complete for these tables: the lines form a network (each figure sits in
at most two lines), so a hidden figure is fixed exactly if and only if there is no cycle of
hidden figures along which it can move by one within the ranges the markers give away.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PRIMARY_MARK = "<5"
SECONDARY_MARK = "*"
WITHHELD_MARK = "x"
SMALLEST_SHOWN = 5  # counts 1 to SMALLEST_SHOWN - 1 are hidden
SECONDARY_MINIMUM = SMALLEST_SHOWN  # a secondary cell is never below this
TOTAL_PRICE = 10**9  # hide any number of ordinary cells before a total

MARK_NOTES = {
    PRIMARY_MARK: "between 1 and 4, hidden to protect the children concerned",
    SECONDARY_MARK: "hidden so that a figure of 1 to 4 cannot be worked out from the totals",
    WITHHELD_MARK: "not shown: the table is too small to publish without identifying children",
}


@dataclass(frozen=True)
class Cell:
    """One published figure: its true value, and whether and how it may be shown."""

    value: int
    shown: bool = True
    primary: bool = False  # hidden because it is 1 to 4 (otherwise hidden as secondary)
    withheld: bool = False  # the whole table is withheld

    @property
    def display(self) -> str:
        if self.shown:
            return f"{self.value:,}"
        if self.withheld:
            return WITHHELD_MARK
        return PRIMARY_MARK if self.primary else SECONDARY_MARK

    @property
    def shown_value(self) -> int | None:
        """The value for charts and downloads: None when it is hidden."""
        return self.value if self.shown else None

    @property
    def marker(self) -> str:
        return "" if self.shown else self.display


@dataclass(frozen=True)
class SuppressedTable:
    """A one-way table: labelled counts and, usually, their total."""

    cells: dict[str, Cell]
    total: Cell | None
    withheld: bool = False

    def rows(self) -> list[tuple[str, Cell]]:
        return list(self.cells.items())

    def all_cells(self) -> list[Cell]:
        return [*self.cells.values(), *([self.total] if self.total else [])]


@dataclass(frozen=True)
class SuppressedGrid:
    """A two-way table with row and column totals."""

    row_labels: list[str]
    column_labels: list[str]
    cells: dict[tuple[str, str], Cell]
    row_totals: dict[str, Cell] | None
    column_totals: dict[str, Cell] | None
    grand_total: Cell | None
    withheld: bool = False

    def row(self, label: str) -> list[Cell]:
        return [self.cells[label, column] for column in self.column_labels]

    def rows(self) -> list[tuple[str, list[Cell], Cell | None]]:
        return [
            (label, self.row(label), self.row_totals[label] if self.row_totals else None)
            for label in self.row_labels
        ]

    def all_cells(self) -> list[Cell]:
        found = list(self.cells.values())
        if self.row_totals and self.column_totals and self.grand_total:
            found += [*self.row_totals.values(), *self.column_totals.values(), self.grand_total]
        return found


# The engine: figures ("variables") and the lines ("constraints") they must add up in.


@dataclass
class _Var:
    value: int
    is_total: bool
    hidden: bool = False
    primary: bool = False
    lines: list[tuple[int, int]] = field(default_factory=list)  # (line, coefficient)

    def can_move(self, step: int) -> bool:
        new = self.value + step
        if self.primary:
            return 1 <= new <= SMALLEST_SHOWN - 1
        return new >= SECONDARY_MINIMUM


class _Problem:
    """Figures and lines; each line says: sum(coefficient * value) == 0."""

    def __init__(self) -> None:
        self.vars: list[_Var] = []
        self.lines: list[list[tuple[int, int]]] = []
        self.withheld = False

    def var(self, value: int, *, is_total: bool) -> int:
        if value < 0:
            raise ValueError(f"Counts cannot be negative (got {value}).")
        self.vars.append(_Var(value=value, is_total=is_total))
        return len(self.vars) - 1

    def line(self, members: list[tuple[int, int]]) -> None:
        index = len(self.lines)
        self.lines.append(members)
        for var, coefficient in members:
            self.vars[var].lines.append((index, coefficient))

    def hide(self, index: int) -> None:
        self.vars[index].hidden = True

    # -- checks

    def movable(self, index: int) -> bool:
        return self._can_move(index, +1) or self._can_move(index, -1)

    def _can_move(self, index: int, step: int) -> bool:
        """Can the hidden figure change by `step`, others hidden compensating, within ranges?"""
        return self._cheapest_cycle(index, step, use_shown=False) is not None

    def _cheapest_cycle(self, index: int, step: int, *, use_shown: bool) -> list[int] | None:
        """The shown figures to hide (cheapest first) so that figure `index` can move by `step`.

        A line out of balance must be put right by another figure in it, which puts that
        figure's other line out of balance, and so on until the start figure's other line is
        reached (or a figure in one line only). Hidden figures cost nothing; with `use_shown`,
        shown non-zero figures may be used at their cost. Returns None when impossible, [] when
        already possible with the hidden figures alone.
        """
        start = self.vars[index]
        if not start.can_move(step):
            return None
        if not start.lines:
            return []
        first_line, first_coefficient = start.lines[0]
        closing = dict(start.lines[1:])
        best: dict[int, int] = {first_line: 0}
        parent: dict[int, tuple[int, int] | None] = {first_line: None}  # line -> (var, line)
        heap: list[tuple[int, int, int]] = [(0, first_line, first_coefficient * step)]
        finish: tuple[int, int, int] | None = None  # (cost, var, line it was reached from)
        while heap:
            cost, line, imbalance = heapq.heappop(heap)
            if cost > best.get(line, cost) or (finish is not None and cost >= finish[0]):
                continue
            for var_index, coefficient in self.lines[line]:
                if var_index == index:
                    continue
                var = self.vars[var_index]
                move = -imbalance * coefficient  # coefficients are +-1, so this balances
                if var.hidden:
                    if not var.can_move(move):
                        continue
                    step_cost = 0
                elif use_shown and var.value > 0:
                    if var.value + move < SECONDARY_MINIMUM:
                        continue
                    step_cost = self._price(var_index)
                else:
                    continue
                new_cost = cost + step_cost
                others = [(ln, c) for ln, c in var.lines if ln != line]
                if not others or others[0][0] in closing:
                    closes = not others and not closing
                    if others:
                        other_line, other_coefficient = others[0]
                        closes = other_coefficient * move + closing[other_line] * step == 0
                    if closes and (finish is None or new_cost < finish[0]):
                        finish = (new_cost, var_index, line)
                    continue
                other_line, other_coefficient = others[0]
                if new_cost < best.get(other_line, new_cost + 1):
                    best[other_line] = new_cost
                    parent[other_line] = (var_index, line)
                    heapq.heappush(heap, (new_cost, other_line, other_coefficient * move))
        if finish is None:
            return None
        used = [finish[1]]
        link = parent[finish[2]]
        while link is not None:
            used.append(link[0])
            link = parent[link[1]]
        return [v for v in used if not self.vars[v].hidden]

    def _price(self, index: int) -> int:
        var = self.vars[index]
        return var.value + (TOTAL_PRICE if var.is_total else 0)

    def line_total(self, line: int) -> int | None:
        """The figure with coefficient -1 (the line's total), if the line has one."""
        for var, coefficient in self.lines[line]:
            if coefficient == -1:
                return var
        return None

    def hidden_sum_is_small(self, line: int) -> bool:
        total = self.line_total(line)
        if total is None or self.vars[total].hidden:
            return False
        hidden = [
            self.vars[v].value
            for v, coefficient in self.lines[line]
            if coefficient == 1 and self.vars[v].hidden
        ]
        return bool(hidden) and 1 <= sum(hidden) <= SMALLEST_SHOWN - 1

    # -- choosing what else to hide

    def _cost(self, index: int) -> tuple[bool, int, int]:
        var = self.vars[index]
        return (var.is_total, var.value, index)

    def _candidates(self, lines: list[int]) -> list[int]:
        found = {
            var
            for line in lines
            for var, _ in self.lines[line]
            if not self.vars[var].hidden and self.vars[var].value > 0
        }
        return sorted(found, key=self._cost)

    def _hide_for_stuck(self, index: int) -> bool:
        """Hide the cheapest set of shown figures that lets the stuck figure move."""
        options = [
            found
            for step in (+1, -1)
            if (found := self._cheapest_cycle(index, step, use_shown=True))
        ]
        if options:
            chosen = min(options, key=lambda found: sum(self._price(v) for v in found))
            for var in chosen:
                self.vars[var].hidden = True
            return True
        anywhere = self._candidates(list(range(len(self.lines))))
        if anywhere:  # should not happen: the line totals always close a cycle
            self.vars[anywhere[0]].hidden = True
            return True
        return False

    def solve(self) -> None:
        for var in self.vars:
            if 1 <= var.value <= SMALLEST_SHOWN - 1:
                var.hidden = var.primary = True
        while True:
            small = next(
                (line for line in range(len(self.lines)) if self.hidden_sum_is_small(line)),
                None,
            )
            if small is not None:
                candidates = self._candidates([small])
                # never reached without a candidate: the shown total is one
                self.vars[candidates[0]].hidden = True
                continue
            stuck = next(
                (i for i, var in enumerate(self.vars) if var.hidden and not self.movable(i)),
                None,
            )
            if stuck is None:
                return
            if not self._hide_for_stuck(stuck):
                # Everything non-zero is hidden and a figure can still be worked out (four
                # 1s whose total is under 5): only withholding the whole table protects it.
                self.withheld = True
                return

    def cell(self, index: int) -> Cell:
        var = self.vars[index]
        if self.withheld:
            return Cell(value=var.value, shown=False, withheld=True)
        return Cell(value=var.value, shown=not var.hidden, primary=var.primary)


def suppress_one_way(counts: Mapping[str, int], *, with_total: bool = True) -> SuppressedTable:
    """Suppress a one-way table of counts (in the order given), with its total by default."""
    problem = _Problem()
    indexes = {label: problem.var(value, is_total=False) for label, value in counts.items()}
    total_index = None
    if with_total:
        total_index = problem.var(sum(counts.values()), is_total=True)
        problem.line([*((i, 1) for i in indexes.values()), (total_index, -1)])
    problem.solve()
    return SuppressedTable(
        cells={label: problem.cell(i) for label, i in indexes.items()},
        total=problem.cell(total_index) if total_index is not None else None,
        withheld=problem.withheld,
    )


def suppress_two_way(
    counts: Mapping[str, Mapping[str, int]],
    *,
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    with_totals: bool = True,
) -> SuppressedGrid:
    """Suppress a two-way table `counts[row][column]` with row, column and grand totals.

    `rows` and `columns` give the order (and include labels with no counts); missing cells
    are 0.
    """
    row_labels = list(rows) if rows is not None else list(counts)
    if columns is not None:
        column_labels = list(columns)
    else:
        column_labels = list(dict.fromkeys(c for row in counts.values() for c in row))
    problem = _Problem()
    index = {
        (r, c): problem.var(counts.get(r, {}).get(c, 0), is_total=False)
        for r in row_labels
        for c in column_labels
    }
    row_totals: dict[str, int] = {}
    column_totals: dict[str, int] = {}
    grand = None
    if with_totals:
        for r in row_labels:
            row_totals[r] = problem.var(
                sum(problem.vars[index[r, c]].value for c in column_labels), is_total=True
            )
        for c in column_labels:
            column_totals[c] = problem.var(
                sum(problem.vars[index[r, c]].value for r in row_labels), is_total=True
            )
        grand = problem.var(sum(problem.vars[i].value for i in index.values()), is_total=True)
        for r in row_labels:
            problem.line([*((index[r, c], 1) for c in column_labels), (row_totals[r], -1)])
        for c in column_labels:
            problem.line([*((index[r, c], 1) for r in row_labels), (column_totals[c], -1)])
        problem.line([*((column_totals[c], 1) for c in column_labels), (grand, -1)])
        problem.line([*((row_totals[r], 1) for r in row_labels), (grand, -1)])
    problem.solve()
    return SuppressedGrid(
        row_labels=row_labels,
        column_labels=column_labels,
        cells={key: problem.cell(i) for key, i in index.items()},
        row_totals={r: problem.cell(i) for r, i in row_totals.items()} if with_totals else None,
        column_totals=(
            {c: problem.cell(i) for c, i in column_totals.items()} if with_totals else None
        ),
        grand_total=problem.cell(grand) if grand is not None else None,
        withheld=problem.withheld,
    )
