"""The annual report of an area's child deaths and reviews, for a period (the year to 31 March
by default), every count suppressed (cdop.reporting.suppression).

Each table says which cases it counts and which date puts a case in the period; the page prints
that definition under the table. Populations:

* **deaths notified**: the area's cases, one per child (duplicates merged away, cases
  transferred to another panel and cases closed as out of scope are not counted), whose first
  notification was received in the period (a case opened without a notification: the day it
  was opened);
* **reviews completed**: the same cases finalised in the period (`Case.finalised_at`), with the
  panel's Analysis Form;
* **backlog**: the same cases opened before the end of the period and not finalised by it.

Counting is done in the database (GROUP BY over the few columns a table needs); Python only
adds up the grouped rows, which number in the hundreds at most.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case as When_,
)
from django.db.models import (
    CharField,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Lower,
    Trim,
    TruncDate,
)
from django.utils import timezone

from cdop.actions.models import Action, ActionStatus
from cdop.analysis.models import Analysis, CategoryOfDeath, Factor, FactorDomain
from cdop.areas.models import Area, LocalAuthority
from cdop.cases.models import Case, Expectedness, Sex
from cdop.cases.workflow import Status
from cdop.notifications.models import Notification
from cdop.notifications.reference import Ethnicity
from cdop.reporting.suppression import (
    Cell,
    SuppressedGrid,
    SuppressedTable,
    suppress_one_way,
    suppress_two_way,
)

MAX_PERIOD_DAYS = 5 * 366  # the longest period a report may cover (about five years)
NOT_COUNTED = (Status.MERGED, Status.TRANSFERRED, Status.OUT_OF_SCOPE)
NOT_RECORDED = "Not recorded"
FACTOR_WORDING_MINIMUM = 5  # a factor's wording is listed only if five or more reviews used it
FACTOR_WORDING_LIMIT = 10

AGE_BANDS = (
    ("neonatal", "Under 28 days"),
    ("infant", "28 days to under 1 year"),
    ("1-4", "1 to 4 years"),
    ("5-9", "5 to 9 years"),
    ("10-14", "10 to 14 years"),
    ("15-17", "15 to 17 years"),
    ("other", "18 or over, or dates not consistent"),
)
COMPLETION_BANDS = (
    ("lt6", "Under 6 months"),
    ("6-12", "6 months to under 1 year"),
    ("12-18", "1 year to under 18 months"),
    ("18-24", "18 months to under 2 years"),
    ("24plus", "2 years or more"),
)
BACKLOG_BANDS = (
    ("lt6", "Died under 6 months before the end of the period"),
    ("6-12", "6 months to under 1 year before"),
    ("12-24", "1 year to under 2 years before"),
    ("24plus", "2 years or more before"),
)
MODIFIABLE_COLUMNS = [label for _, label in Analysis.Modifiable.choices] + [NOT_RECORDED]
TIMELINESS = ("On time", "Late")


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day
    end: dt.date  # last day (inclusive)

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y-%m-%d}-to-{self.end:%Y-%m-%d}"

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: midnight at the start, midnight after the end."""
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time(), tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tz),
        )


def period_default(today: dt.date) -> Period:
    """The last complete year to 31 March before today (the year an annual report is about)."""
    year = today.year if today.month >= 4 else today.year - 1
    return Period(dt.date(year - 1, 4, 1), dt.date(year, 3, 31))


@dataclass(frozen=True)
class Entry:
    """One cell of a table as every output shows it: `text` on the page and in the PDF;
    `number` (the value, only when shown) for the spreadsheet."""

    text: str
    number: int | None = None
    hidden: bool = False

    @classmethod
    def of(cls, cell: Cell) -> Entry:
        return cls(text=cell.display, number=cell.shown_value, hidden=not cell.shown)


@dataclass
class Table:
    """One table of the report: its suppressed figures, what it counts, and its chart."""

    key: str
    title: str
    definition: str
    one_way: SuppressedTable | None = None
    grid: SuppressedGrid | None = None
    label_heading: str = ""
    count_heading: str = "Number"
    chart: bool = True
    total_label: str = "Total"
    note: str = ""
    percentages: dict[str, str] = field(default_factory=dict)  # label -> "35%" (shown only)

    @property
    def withheld(self) -> bool:
        return bool((self.one_way and self.one_way.withheld) or (self.grid and self.grid.withheld))

    def cells(self) -> list[Cell]:
        if self.one_way is not None:
            return self.one_way.all_cells()
        assert self.grid is not None  # noqa: S101 - a table is one of the two
        return self.grid.all_cells()

    def header(self) -> list[str]:
        if self.one_way is not None:
            return [self.label_heading, self.count_heading]
        assert self.grid is not None  # noqa: S101
        extra = ["Share with modifiable factors"] if self.key == "completed_category" else []
        return [self.label_heading, *self.grid.column_labels, "Total", *extra]

    def body(self) -> list[list[Entry]]:
        if self.one_way is not None:
            return [[Entry(label), Entry.of(cell)] for label, cell in self.one_way.rows()]
        assert self.grid is not None  # noqa: S101
        rows = []
        for label, cells, total in self.grid.rows():
            row = [Entry(label), *(Entry.of(c) for c in cells)]
            row.append(Entry.of(total) if total else Entry(""))
            if self.key == "completed_category":
                row.append(Entry(self.percentages.get(label, "")))
            rows.append(row)
        return rows

    def footer(self) -> list[Entry]:
        if self.one_way is not None:
            if self.one_way.total is None:
                return []
            return [Entry(self.total_label), Entry.of(self.one_way.total)]
        assert self.grid is not None  # noqa: S101
        if self.grid.column_totals is None or self.grid.grand_total is None:
            return []
        row = [
            Entry(self.total_label),
            *(Entry.of(self.grid.column_totals[c]) for c in self.grid.column_labels),
            Entry.of(self.grid.grand_total),
        ]
        if self.key == "completed_category":
            row.append(Entry(self.percentages.get("", "")))
        return row

    def chart_series(self) -> list[tuple[str, Cell]]:
        """What the chart draws: the row labels and each row's suppressed figure (a grid: its
        row totals)."""
        if self.one_way is not None:
            return self.one_way.rows()
        assert self.grid is not None  # noqa: S101
        if self.grid.row_totals is None:
            return []
        return [(label, self.grid.row_totals[label]) for label in self.grid.row_labels]


@dataclass
class AnnualReport:
    area: Area
    period: Period
    generated_at: dt.datetime
    deaths_notified: Cell
    reviews_completed: Cell
    backlog: Cell
    median_days_to_completion: int | None
    modifiable_share: str  # "35%" or an explanation
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# -- the populations


def _counted_cases(area: Area) -> QuerySet[Case]:
    return Case.objects.filter(area=area).exclude(status__in=NOT_COUNTED)


def _first_notified() -> Coalesce:
    first = (
        Notification.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(first=Min("received_at"))
        .values("first")
    )
    return Coalesce(Subquery(first), F("opened_at"))


def notified_cases(*, area: Area, period: Period) -> QuerySet[Case]:
    start, end = period.span()
    return (
        _counted_cases(area)
        .annotate(notified_at=_first_notified())
        .filter(notified_at__gte=start, notified_at__lt=end)
    )


def completed_cases(*, area: Area, period: Period) -> QuerySet[Case]:
    start, end = period.span()
    return _counted_cases(area).filter(finalised_at__gte=start, finalised_at__lt=end)


def backlog_cases(*, area: Area, period: Period) -> QuerySet[Case]:
    _, end = period.span()
    return _counted_cases(area).filter(
        Q(finalised_at__isnull=True) | Q(finalised_at__gte=end), opened_at__lt=end
    )


# -- derived columns, computed in the database


def _age_band() -> tuple[When_, Any]:
    years = (
        ExtractYear("date_of_death")
        - ExtractYear("child_date_of_birth")
        - When_(
            When(
                Q(dod_month__lt=F("dob_month"))
                | Q(dod_month=F("dob_month"), dod_day__lt=F("dob_day")),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    return When_(
        When(date_of_death__lt=F("child_date_of_birth"), then=Value("other")),
        When(
            date_of_death__lt=ExpressionWrapper(
                F("child_date_of_birth") + dt.timedelta(days=28), output_field=DateField()
            ),
            then=Value("neonatal"),
        ),
        When(Q(age_years__lt=1), then=Value("infant")),
        When(Q(age_years__lt=5), then=Value("1-4")),
        When(Q(age_years__lt=10), then=Value("5-9")),
        When(Q(age_years__lt=15), then=Value("10-14")),
        When(Q(age_years__lt=18), then=Value("15-17")),
        default=Value("other"),
        output_field=CharField(),
    ), years


def with_age_band(query: QuerySet[Case]) -> QuerySet[Case]:
    band, years = _age_band()
    return (
        query.annotate(
            dod_month=ExtractMonth("date_of_death"),
            dod_day=ExtractDay("date_of_death"),
            dob_month=ExtractMonth("child_date_of_birth"),
            dob_day=ExtractDay("child_date_of_birth"),
        )
        .annotate(age_years=years)
        .annotate(age_band=band)
    )


def _from_first_notification(column: str, unknown: str) -> Coalesce:
    """A detail only notifications hold: the first notification that gives it (as the NCMD
    export picks it)."""
    found = (
        Notification.objects.filter(case=OuterRef("pk"))
        .exclude(**{column: unknown})
        .order_by("received_at", "pk")
        .values(column)[:1]
    )
    return Coalesce(Subquery(found), Value(unknown), output_field=CharField())


def _grouped(query: QuerySet[Any], *columns: str) -> list[dict[str, Any]]:
    return list(query.values(*columns).annotate(n=Count("pk")).order_by())


def _sum_by(rows: Iterable[Mapping[str, Any]], column: str) -> Counter[Any]:
    counts: Counter[Any] = Counter()
    for row in rows:
        counts[row[column]] += row["n"]
    return counts


def _ordered(counts: Counter[Any], labels: Iterable[tuple[Any, str]]) -> dict[str, int]:
    """Counts in the order of the reference list, every label present (0 if none)."""
    return {label: counts.get(value, 0) for value, label in labels}


def _with_extras(counts: Counter[Any], labels: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """The reference list, then any value the data holds that the list does not."""
    known = {value for value, _ in labels}
    return labels + [(v, str(v) or NOT_RECORDED) for v in sorted(counts, key=str) if v not in known]


# -- the queries the report needs (the benchmark times these on their own)


def query_notified(*, area: Area, period: Period) -> list[dict[str, Any]]:
    query = with_age_band(notified_cases(area=area, period=period)).annotate(
        ethnicity=_from_first_notification("child_ethnicity", Ethnicity.NOT_KNOWN.value),
        local_authority=_from_first_notification("residence_upper_code", ""),
    )
    return _grouped(query, "age_band", "child_sex", "expectedness", "ethnicity", "local_authority")


def _days_to_completion() -> ExpressionWrapper[Any]:
    return ExpressionWrapper(
        TruncDate("finalised_at") - F("date_of_death"), output_field=DurationField()
    )


def query_completed(*, area: Area, period: Period) -> list[dict[str, Any]]:
    query = with_age_band(completed_cases(area=area, period=period)).annotate(
        category_id=F("analysis__category_id"),
        modifiable=Coalesce(F("analysis__modifiable"), Value(""), output_field=CharField()),
        agreed=Coalesce(F("analysis__expectedness"), Value(""), output_field=CharField()),
    )
    return _grouped(query, "category_id", "modifiable", "agreed", "age_band")


def query_completion_days(*, area: Area, period: Period) -> list[dict[str, Any]]:
    query = completed_cases(area=area, period=period).annotate(days=_days_to_completion())
    return _grouped(query, "days")


def query_backlog(*, area: Area, period: Period) -> list[dict[str, Any]]:
    end = period.end + dt.timedelta(days=1)
    band = When_(
        When(date_of_death__gte=_months_before(end, 6), then=Value("lt6")),
        When(date_of_death__gte=_months_before(end, 12), then=Value("6-12")),
        When(date_of_death__gte=_months_before(end, 24), then=Value("12-24")),
        default=Value("24plus"),
        output_field=CharField(),
    )
    return _grouped(backlog_cases(area=area, period=period).annotate(band=band), "band", "status")


def query_factor_domains(*, area: Area, period: Period) -> list[dict[str, Any]]:
    cases = completed_cases(area=area, period=period).values("pk")
    return list(
        Factor.objects.filter(analysis__case__in=cases, modifiable=True)
        .values("domain__position", "domain__name")
        .annotate(n=Count("analysis__case", distinct=True))
        .order_by()
    )


def query_factor_wording(*, area: Area, period: Period) -> list[dict[str, Any]]:
    cases = completed_cases(area=area, period=period).values("pk")
    return list(
        Factor.objects.filter(analysis__case__in=cases, modifiable=True)
        .annotate(wording=Lower(Trim("description")))
        .values("wording")
        .annotate(n=Count("analysis__case", distinct=True))
        .filter(n__gte=FACTOR_WORDING_MINIMUM)
        .order_by("-n", "wording")[:FACTOR_WORDING_LIMIT]
    )


def query_actions(*, area: Area, period: Period, today: dt.date) -> list[dict[str, Any]]:
    start, end = period.span()
    late = When_(
        When(closed_on__isnull=False, closed_on__gt=F("due_on"), then=Value("Late")),
        When(closed_on__isnull=True, due_on__lt=today, then=Value("Late")),
        default=Value("On time"),
        output_field=CharField(),
    )
    return list(
        Action.objects.filter(area=area, created_at__gte=start, created_at__lt=end)
        .annotate(timeliness=late)
        .values("status", "timeliness")
        .annotate(n=Count("pk"))
        .order_by()
    )


def query_themes(*, area: Area, period: Period) -> list[dict[str, Any]]:
    from cdop.learning.models import CaseTheme

    cases = completed_cases(area=area, period=period).values("pk")
    return list(
        CaseTheme.objects.filter(area=area, case__in=cases)
        .values("theme__name")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def run_queries(*, area: Area, period: Period, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Every aggregate the report needs, straight from the database."""
    return {
        "notified": query_notified(area=area, period=period),
        "completed": query_completed(area=area, period=period),
        "days": query_completion_days(area=area, period=period),
        "backlog": query_backlog(area=area, period=period),
        "domains": query_factor_domains(area=area, period=period),
        "wording": query_factor_wording(area=area, period=period),
        "actions": query_actions(area=area, period=period, today=today),
        "themes": query_themes(area=area, period=period),
    }


# -- the report


def _median(histogram: Mapping[int, int]) -> int | None:
    total = sum(histogram.values())
    if total == 0:
        return None
    seen = 0
    ordered = sorted(histogram.items())
    lower = upper = None
    for value, n in ordered:
        seen += n
        if lower is None and seen >= (total + 1) // 2:
            lower = value
        if seen >= total // 2 + 1:
            upper = value
            break
    assert lower is not None  # noqa: S101
    assert upper is not None  # noqa: S101
    return round((lower + upper) / 2) if total % 2 == 0 else lower


def _completion_band(days: int) -> str:
    if days < 183:
        return "lt6"
    if days < 365:
        return "6-12"
    if days < 548:
        return "12-18"
    if days < 730:
        return "18-24"
    return "24plus"


def _share(numerator: Cell, denominator: Cell) -> str:
    """A percentage only from figures that are both shown (otherwise it would give them away)."""
    if not (numerator.shown and denominator.shown) or denominator.value == 0:
        return ""
    return f"{round(100 * numerator.value / denominator.value)}%"


def _align_totals(tables: list[Table]) -> None:
    """Tables of one population share one total: if any table had to hide it, hide it in
    every one, or the shown total of one would undo the protection of another."""
    totals = [t.one_way.total for t in tables if t.one_way and t.one_way.total]
    totals += [t.grid.grand_total for t in tables if t.grid and t.grid.grand_total]
    if all(c.shown for c in totals):
        return
    for table in tables:
        if table.one_way and table.one_way.total and table.one_way.total.shown:
            hidden = Cell(value=table.one_way.total.value, shown=False)
            table.one_way = SuppressedTable(
                cells=table.one_way.cells, total=hidden, withheld=table.one_way.withheld
            )
        if table.grid and table.grid.grand_total and table.grid.grand_total.shown:
            table.grid = SuppressedGrid(
                row_labels=table.grid.row_labels,
                column_labels=table.grid.column_labels,
                cells=table.grid.cells,
                row_totals=table.grid.row_totals,
                column_totals=table.grid.column_totals,
                grand_total=Cell(value=table.grid.grand_total.value, shown=False),
                withheld=table.grid.withheld,
            )


def _population_total(tables: list[Table], value: int) -> Cell:
    for table in tables:
        total = (table.one_way.total if table.one_way else None) or (
            table.grid.grand_total if table.grid else None
        )
        if total is not None:
            return total
    return suppress_one_way({"all": value}).total or Cell(value=value)


NOTIFIED_DEFINITION = (
    "Deaths notified: one per child (duplicate notifications merged; cases transferred to "
    "another panel or closed as out of scope not counted), counted in the period when the "
    "first notification of the death was received in it."
)
COMPLETED_DEFINITION = (
    "Reviews completed: cases finalised in the period (the date the panel's review was "
    "finalised), whenever the child died."
)


def annual_report(*, area: Area, period: Period, today: dt.date | None = None) -> AnnualReport:
    today = today or timezone.localdate()
    data = run_queries(area=area, period=period, today=today)
    tables_notified = _notified_tables(data["notified"])
    tables_completed = _completed_tables(data["completed"], data["days"], period)
    _align_totals(tables_notified)
    _align_totals(tables_completed)
    backlog_table = _backlog_table(data["backlog"], period)
    other = _factor_tables(data["domains"], data["wording"])
    other.append(_actions_table(data["actions"]))
    other.append(_themes_table(data["themes"]))

    histogram = Counter[int]()
    for row in data["days"]:
        if row["days"] is not None:
            histogram[max(row["days"].days, 0)] += row["n"]
    completed_total = _population_total(tables_completed, sum(histogram.values()))
    median = _median(histogram) if completed_total.shown else None

    share = _modifiable_shares(tables_completed[0])
    notified_sum = sum(row["n"] for row in data["notified"])
    backlog_sum = sum(row["n"] for row in data["backlog"])
    return AnnualReport(
        area=area,
        period=period,
        generated_at=timezone.now(),
        deaths_notified=_population_total(tables_notified, notified_sum),
        reviews_completed=completed_total,
        backlog=_population_total([backlog_table], backlog_sum),
        median_days_to_completion=median,
        modifiable_share=share,
        tables=[*tables_notified, *tables_completed, backlog_table, *other],
    )


def _notified_tables(rows: list[dict[str, Any]]) -> list[Table]:
    la_counts = _sum_by(rows, "local_authority")
    la_names = dict(
        LocalAuthority.objects.filter(ons_code__in=[c for c in la_counts if c]).values_list(
            "ons_code", "name"
        )
    )
    named = sorted(((c, la_names.get(c, c)) for c in la_counts if c), key=lambda x: x[1])
    la_labels = [*named, ("", NOT_RECORDED)]
    ethnicity = _sum_by(rows, "ethnicity")
    sex = _sum_by(rows, "child_sex")
    expected = _sum_by(rows, "expectedness")
    return [
        Table(
            key="notified_age",
            title="Deaths notified, by age at death",
            definition=NOTIFIED_DEFINITION
            + " Age on the date of death, from the date of birth the case holds.",
            one_way=suppress_one_way(_ordered(_sum_by(rows, "age_band"), AGE_BANDS)),
            label_heading="Age at death",
            count_heading="Deaths",
        ),
        Table(
            key="notified_sex",
            title="Deaths notified, by sex",
            definition=NOTIFIED_DEFINITION + " Sex as the case records it.",
            one_way=suppress_one_way(_ordered(sex, _with_extras(sex, list(Sex.choices)))),
            label_heading="Sex",
            count_heading="Deaths",
        ),
        Table(
            key="notified_ethnicity",
            title="Deaths notified, by ethnicity",
            definition=NOTIFIED_DEFINITION
            + " Ethnicity (2021 census categories) from the first notification that gives it.",
            one_way=suppress_one_way(
                _ordered(ethnicity, _with_extras(ethnicity, list(Ethnicity.choices)))
            ),
            label_heading="Ethnicity",
            count_heading="Deaths",
        ),
        Table(
            key="notified_local_authority",
            title="Deaths notified, by local authority where the child lived",
            definition=NOTIFIED_DEFINITION
            + " The county or unitary council of the child's home, from the residence decided "
            "on the first notification that records one.",
            one_way=suppress_one_way(_ordered(la_counts, la_labels)),
            label_heading="Local authority",
            count_heading="Deaths",
        ),
        Table(
            key="notified_expectedness",
            title="Deaths notified, expected or unexpected",
            definition=NOTIFIED_DEFINITION
            + " Whether the death was expected, as the case records it now (the panel's own "
            "view is in the reviews completed).",
            one_way=suppress_one_way(
                _ordered(expected, _with_extras(expected, list(Expectedness.choices)))
            ),
            label_heading="Expected or unexpected",
            count_heading="Deaths",
        ),
    ]


def _categories(ids: Iterable[Any]) -> list[tuple[Any, str]]:
    found = CategoryOfDeath.objects.filter(pk__in=[i for i in ids if i is not None]).order_by(
        "position", "form_version__version"
    )
    labels: list[tuple[Any, str]] = [(c.pk, f"{c.position}. {c.name}") for c in found]
    return [*labels, (None, "No category recorded")]


def _completed_tables(
    rows: list[dict[str, Any]], days: list[dict[str, Any]], period: Period
) -> list[Table]:
    categories = _categories({row["category_id"] for row in rows})
    modifiable_labels = dict(Analysis.Modifiable.choices)
    by_category: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        category = dict(categories).get(row["category_id"], "No category recorded")
        column = modifiable_labels.get(row["modifiable"], NOT_RECORDED)
        by_category[category][column] = by_category[category].get(column, 0) + row["n"]
    row_labels = [label for value, label in categories]
    grid = suppress_two_way(by_category, rows=row_labels, columns=MODIFIABLE_COLUMNS)
    modifiable_table = Table(
        key="completed_category",
        title="Reviews completed, by category of death and whether modifiable factors were found",
        definition=COMPLETED_DEFINITION
        + " Category of death and modifiable factors (yes, no, insufficient information) as "
        "the panel recorded them on the Analysis Form. Share: reviews with modifiable factors "
        "as a share of all reviews in the row, given only when both figures are shown. The "
        "chart shows reviews by category.",
        grid=grid,
        label_heading="Category of death",
        count_heading="Reviews",
    )
    agreed = _sum_by(rows, "agreed")
    agreed_labels = [*Analysis.Expectedness.choices, ("", NOT_RECORDED)]
    histogram: Counter[str] = Counter()
    for row in days:
        if row["days"] is not None:
            histogram[_completion_band(max(row["days"].days, 0))] += row["n"]
    return [
        modifiable_table,
        Table(
            key="completed_age",
            title="Reviews completed, by age at death",
            definition=COMPLETED_DEFINITION + " Age on the date of death.",
            one_way=suppress_one_way(_ordered(_sum_by(rows, "age_band"), AGE_BANDS)),
            label_heading="Age at death",
            count_heading="Reviews",
        ),
        Table(
            key="completed_expectedness",
            title="Reviews completed, expected or unexpected as the panel agreed",
            definition=COMPLETED_DEFINITION
            + " Whether the death was expected, as the panel agreed on the Analysis Form.",
            one_way=suppress_one_way(_ordered(agreed, agreed_labels)),
            label_heading="Expected or unexpected",
            count_heading="Reviews",
        ),
        Table(
            key="completed_time",
            title="Time from death to the review's completion",
            definition=COMPLETED_DEFINITION
            + " Time from the date of death to the day the review was finalised. The median is "
            "shown only when the number of reviews is.",
            one_way=suppress_one_way(_ordered(histogram, COMPLETION_BANDS)),
            label_heading="Time from death",
            count_heading="Reviews",
        ),
    ]


def _modifiable_shares(table: Table) -> str:
    """The share of reviews with modifiable factors, per category and overall, from shown
    figures only. After the totals are aligned: a share of a hidden total would reveal it."""
    grid = table.grid
    if not (grid and grid.row_totals and grid.column_totals and grid.grand_total):
        return ""
    yes = Analysis.Modifiable.YES.label
    table.percentages = {
        label: share
        for label in grid.row_labels
        if (share := _share(grid.cells[label, yes], grid.row_totals[label]))
    }
    overall = _share(grid.column_totals[yes], grid.grand_total)
    if overall:
        table.percentages[""] = overall
    return overall


def _backlog_table(rows: list[dict[str, Any]], period: Period) -> Table:
    return Table(
        key="backlog",
        title=f"Reviews not completed at the end of the period ({period.end:%-d %B %Y})",
        definition=(
            "Backlog: cases counted as for deaths notified that had been opened before the end "
            "of the period and were not finalised by then (whatever their stage now), by how "
            "long before the end of the period the child died."
        ),
        one_way=suppress_one_way(_ordered(_sum_by(rows, "band"), BACKLOG_BANDS)),
        label_heading="Date of death",
        count_heading="Reviews outstanding",
    )


def _factor_tables(domains: list[dict[str, Any]], wording: list[dict[str, Any]]) -> list[Table]:
    names = dict(
        FactorDomain.objects.order_by("position", "-form_version__version").values_list(
            "position", "name"
        )
    )
    counts = {row["domain__position"]: row["n"] for row in domains}
    by_domain = {
        f"{position}. {name}": sum(n for p, n in counts.items() if p == position)
        for position, name in sorted(names.items())
    }
    tables = [
        Table(
            key="factor_domains",
            title="Reviews completed with modifiable factors, by domain",
            definition=COMPLETED_DEFINITION
            + " A review counts once in each domain in which the panel recorded at least one "
            "modifiable factor; a review can count in several, so there is no total.",
            one_way=suppress_one_way(by_domain, with_total=False),
            label_heading="Domain",
            count_heading="Reviews",
        )
    ]
    tables.append(
        Table(
            key="factor_wording",
            title="Modifiable factors most often recorded",
            definition=COMPLETED_DEFINITION
            + f" Modifiable factors recorded in the same words (ignoring case) in "
            f"{FACTOR_WORDING_MINIMUM} or more reviews, most frequent first (at most "
            f"{FACTOR_WORDING_LIMIT}). Wording used in fewer reviews is not listed, so no "
            "total is given.",
            one_way=suppress_one_way(
                {row["wording"].capitalize(): row["n"] for row in wording}, with_total=False
            ),
            label_heading="Factor",
            count_heading="Reviews",
            chart=False,
        )
    )
    return tables


def _actions_table(rows: list[dict[str, Any]]) -> Table:
    labels = dict(ActionStatus.choices)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[labels.get(row["status"], row["status"])][row["timeliness"]] = row["n"]
    return Table(
        key="actions",
        title="Actions agreed in the period, by status now",
        definition=(
            "Actions: the actions from the panel's recommendations created in the period, by "
            "their status now. Late: closed after the due date, or still open after it."
        ),
        grid=suppress_two_way(counts, rows=list(labels.values()), columns=list(TIMELINESS)),
        label_heading="Status",
        count_heading="Actions",
    )


def _themes_table(rows: list[dict[str, Any]]) -> Table:
    counts = {row["theme__name"]: row["n"] for row in sorted(rows, key=lambda r: r["theme__name"])}
    return Table(
        key="themes",
        title="Learning themes of the reviews completed",
        definition=COMPLETED_DEFINITION
        + " A review counts once under each learning theme it was tagged with; a review can "
        "have several themes, or none, so there is no total.",
        one_way=suppress_one_way(counts, with_total=False),
        label_heading="Learning theme",
        count_heading="Reviews",
        note="" if counts else "No review completed in the period was tagged with a theme.",
    )
