"""The annual report: known counts come back exactly and suppressed, every figure is a direct
count of the database, downloads hide what the page hides, and only the area's staff see it."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cdop.actions.models import Action
from cdop.analysis.models import Analysis, Factor
from cdop.analysis.tests.factories import category, complete_analysis
from cdop.areas.models import LocalAuthority
from cdop.cases.models import Case, Sex
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.learning.models import CaseTheme, Theme
from cdop.notifications.reference import Ethnicity
from cdop.reporting import annual
from cdop.reporting.annual import Period, annual_report, period_default
from cdop.reporting.charts import bar_chart_svg
from cdop.reporting.exports import annual_report_pdf_html
from cdop.reporting.suppression import Cell
from cdop.reporting.views import report_charts

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PERIOD = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
QUERY = (
    "?date_from_day=1&date_from_month=4&date_from_year=2025"
    "&date_to_day=31&date_to_month=3&date_to_year=2026"
)
PAGE = "/staff/statistics/annual/llr/"
DIED = dt.date(2025, 5, 20)


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=LONDON)


def born(died: dt.date, *, days: int = 0, years: int = 0) -> dt.date:
    return died.replace(year=died.year - years) - dt.timedelta(days=days)


def death(area: Any, *, dob: dt.date, dod: dt.date = DIED, sex: str = Sex.MALE, **kw: Any) -> Case:
    received = kw.pop("received", at(2025, 6, 1))
    case = CaseFactory(
        area=area,
        child_date_of_birth=dob,
        date_of_death=dod,
        child_sex=sex,
        opened_at=received,
        status=kw.pop("status", Status.INFORMATION_GATHERING),
        **kw,
    )
    NotificationFactory(
        area=area, case=case, received_at=received, child_date_of_birth=dob, date_of_death=dod
    )
    return case


def reviewed(area: Any, by: Any, *, code: str, modifiable: str) -> Case:
    """A death of 2024, notified then, whose review was finalised in the period."""
    dod = dt.date(2024, 4, 20)
    case = death(
        area,
        dob=born(dod, years=3),
        dod=dod,
        received=at(2024, 5, 1),
        status=Status.FINALISED,
        finalised_at=at(2025, 9, 1),
    )
    analysis = complete_analysis(case=case, by=by, category=category(code), modifiable=modifiable)
    if modifiable != Analysis.Modifiable.YES:
        Factor.objects.filter(analysis=analysis).update(modifiable=False, grade=1)
    return case


@pytest.fixture
def known(llr, alice):
    """Deaths notified: ages 7, 3, 6, 0, 2, 5 across the bands (23); reviews completed by
    category and modifiable factors: perinatal 2 yes 6 no, infection 6 yes 1 no, malignancy
    5 no (20)."""
    ages = [
        ({"days": 10}, 7, Sex.FEMALE),
        ({"days": 100}, 3, Sex.MALE),
        ({"years": 3}, 6, Sex.MALE),
        ({"years": 12}, 2, Sex.FEMALE),
        ({"years": 16}, 5, Sex.MALE),
    ]
    for age, n, sex in ages:
        for _ in range(n):
            death(llr, dob=born(DIED, **age), sex=sex)
    for code, yes, no in [("perinatal_neonatal", 2, 6), ("infection", 6, 1), ("malignancy", 0, 5)]:
        for _ in range(yes):
            reviewed(llr, alice, code=code, modifiable=Analysis.Modifiable.YES)
        for _ in range(no):
            reviewed(llr, alice, code=code, modifiable=Analysis.Modifiable.NO)


def shown(table: annual.Table) -> list[list[str]]:
    return [[e.text for e in row] for row in [*table.body(), table.footer()]]


def test_a_known_table_of_counts_comes_back_exactly_with_the_right_cells_hidden(llr, known):
    report = annual_report(area=llr, period=PERIOD, today=dt.date(2026, 5, 1))

    assert shown(report.table("notified_age")) == [
        ["Under 28 days", "7"],
        ["28 days to under 1 year", "<5"],
        ["1 to 4 years", "6"],
        ["5 to 9 years", "0"],
        ["10 to 14 years", "<5"],
        ["15 to 17 years", "5"],
        ["18 or over, or dates not consistent", "0"],
        ["Total", "23"],
    ]
    assert [c.value for c in report.table("notified_age").cells()] == [7, 3, 6, 0, 2, 5, 0, 23]
    assert shown(report.table("notified_sex"))[:2] == [["Male", "14"], ["Female", "9"]]
    grid = shown(report.table("completed_category"))
    rows = {row[0]: row[1:] for row in grid}
    # 2 and 1 are hidden; a rectangle of two 6s is hidden with them so neither can be worked
    # out from the totals; the totals all stay.
    assert rows["8. Perinatal/neonatal event"] == ["<5", "*", "0", "0", "8", ""]
    assert rows["9. Infection"] == ["*", "<5", "0", "0", "7", ""]
    assert rows["4. Malignancy"] == ["0", "5", "0", "0", "5", "0%"]
    assert rows["Total"] == ["8", "12", "0", "0", "20", "40%"]
    assert report.deaths_notified.display == "23"
    assert report.reviews_completed.display == "20"
    assert report.modifiable_share == "40%"
    assert report.backlog.display == "23"
    assert shown(report.table("backlog"))[1] == ["6 months to under 1 year before", "23"]
    assert shown(report.table("completed_time"))[2] == ["1 year to under 18 months", "20"]
    assert report.median_days_to_completion == (at(2025, 9, 1).date() - dt.date(2024, 4, 20)).days


def test_the_page_shows_the_known_tables_with_definitions_and_charts(llr, known, client_for, chris):
    page = client_for(chris).get(PAGE + QUERY)

    assert page.status_code == 200
    text = page.text
    assert "Annual report: 1 April 2025 to 31 March 2026" in text
    assert 'data-testid="deaths-notified">23<' in text
    assert 'data-testid="reviews-completed">20<' in text
    assert "counted in the period when the first notification of the death was received" in text
    assert "cases finalised in the period" in text
    assert text.count('src="data:image/svg+xml;base64,') >= 8
    assert 'alt="Bar chart of deaths notified, by age at death.' in text
    assert "<script" not in text.split("</main>")[0].split("<main")[-1]
    assert "Testcase" not in text  # no child's name


def test_charts_are_drawn_from_the_suppressed_figures_only():
    svg = bar_chart_svg(
        title="Test chart",
        series=[("a", Cell(value=3, shown=False, primary=True)), ("b", Cell(value=37))],
        unit="Deaths",
    )
    assert "&lt;5" in svg
    assert ">37<" in svg
    assert ">3<" not in svg


def direct_age_band(dob: dt.date, dod: dt.date) -> str:
    if dod < dob:
        return "18 or over, or dates not consistent"
    if (dod - dob).days < 28:
        return "Under 28 days"
    years = dod.year - dob.year - ((dod.month, dod.day) < (dob.month, dob.day))
    for limit, label in [
        (1, "28 days to under 1 year"),
        (5, "1 to 4 years"),
        (10, "5 to 9 years"),
        (15, "10 to 14 years"),
        (18, "15 to 17 years"),
    ]:
        if years < limit:
            return label
    return "18 or over, or dates not consistent"


def values(table: annual.Table) -> dict[str, int]:
    if table.one_way is not None:
        return {label: cell.value for label, cell in table.one_way.rows() if cell.value}
    assert table.grid is not None
    return {f"{r}|{c}": cell.value for (r, c), cell in table.grid.cells.items() if cell.value}


def test_every_figure_is_a_direct_count_of_the_database(llr):
    call_command("generate_synthetic", cases=250, seed=11, verbosity=0)
    call_command("generate_synthetic_analyses", seed=11, verbosity=0)
    today = dt.date(2026, 11, 28)
    period = period_default(today)
    report = annual_report(area=llr, period=period, today=today)
    start, end = period.span()
    counted = Case.objects.filter(area=llr).exclude(status__in=annual.NOT_COUNTED)

    notified = []
    for case in counted.prefetch_related("notifications"):
        ns = sorted(case.notifications.all(), key=lambda n: (n.received_at, n.pk))
        first = ns[0].received_at if ns else case.opened_at
        if start <= first < end:
            notified.append((case, ns))
    assert len(notified) > 20, "the synthetic year has deaths in it"
    ethnicity_labels = dict(Ethnicity.choices)
    unknown = Ethnicity.NOT_KNOWN.value
    la_names = dict(LocalAuthority.objects.values_list("ons_code", "name"))
    expected = {
        "notified_age": Counter(
            direct_age_band(c.child_date_of_birth, c.date_of_death) for c, _ in notified
        ),
        "notified_sex": Counter(c.get_child_sex_display() for c, _ in notified),
        "notified_expectedness": Counter(c.get_expectedness_display() for c, _ in notified),
        "notified_ethnicity": Counter(
            ethnicity_labels[
                next((n.child_ethnicity for n in ns if n.child_ethnicity != unknown), unknown)
            ]
            for _, ns in notified
        ),
        "notified_local_authority": Counter(
            la_names.get(code, code) if code else "Not recorded"
            for code in (
                next((n.residence_upper_code for n in ns if n.residence_upper_code), "")
                for _, ns in notified
            )
        ),
    }
    completed = [
        c
        for c in counted.select_related("analysis__category")
        if c.finalised_at and start <= c.finalised_at < end
    ]
    assert len(completed) > 10
    expected["completed_age"] = Counter(
        direct_age_band(c.child_date_of_birth, c.date_of_death) for c in completed
    )
    expected["completed_expectedness"] = Counter(
        c.analysis.get_expectedness_display() for c in completed
    )
    expected["completed_category"] = Counter(
        f"{c.analysis.category.position}. {c.analysis.category.name}|"
        f"{c.analysis.get_modifiable_display()}"
        for c in completed
    )

    def months(days: int) -> str:
        for limit, label in [
            (183, "Under 6 months"),
            (365, "6 months to under 1 year"),
            (548, "1 year to under 18 months"),
            (730, "18 months to under 2 years"),
        ]:
            if days < limit:
                return label
        return "2 years or more"

    finished = [(timezone_date(c.finalised_at) - c.date_of_death).days for c in completed]
    expected["completed_time"] = Counter(months(d) for d in finished)
    backlog = [
        c
        for c in counted
        if c.opened_at < end and (c.finalised_at is None or c.finalised_at >= end)
    ]
    day_after = period.end + dt.timedelta(days=1)

    def before(months: int) -> dt.date:
        index = day_after.year * 12 + day_after.month - 1 - months
        return dt.date(index // 12, index % 12 + 1, min(day_after.day, 28))

    def backlog_band(died: dt.date) -> str:
        if died >= before(6):
            return "Died under 6 months before the end of the period"
        if died >= before(12):
            return "6 months to under 1 year before"
        if died >= before(24):
            return "1 year to under 2 years before"
        return "2 years or more before"

    expected["backlog"] = Counter(backlog_band(c.date_of_death) for c in backlog)
    domains = Counter()
    for c in completed:
        for name in {
            f"{f.domain.position}. {f.domain.name}"
            for f in c.analysis.factors.filter(modifiable=True).select_related("domain")
        }:
            domains[name] += 1
    expected["factor_domains"] = domains
    expected["themes"] = Counter(
        t.theme.name for t in CaseTheme.objects.filter(case__in=completed).select_related("theme")
    )
    actions = Action.objects.filter(area=llr, created_at__gte=start, created_at__lt=end)
    expected["actions"] = Counter(
        f"{a.get_status_display()}|"
        + (
            "Late"
            if (a.closed_on and a.closed_on > a.due_on) or (not a.closed_on and a.due_on < today)
            else "On time"
        )
        for a in actions
    )

    for key, counts in expected.items():
        got = values(report.table(key))
        assert got == {k: v for k, v in counts.items() if v}, key
    assert report.deaths_notified.value == len(notified)
    assert report.reviews_completed.value == len(completed)
    assert report.backlog.value == len(backlog)
    ordered = sorted(finished)
    middle = len(ordered) // 2
    median = (
        ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2)
    )
    assert report.median_days_to_completion in (median, None)
    if report.reviews_completed.shown:
        assert report.median_days_to_completion == median
    # every figure of every table obeys the suppression rule
    for table in report.tables:
        for cell in table.cells():
            if 1 <= cell.value <= 4:
                assert not cell.shown


def timezone_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def test_the_report_counts_in_the_database_not_row_by_row(llr, django_assert_max_num_queries):
    call_command("generate_synthetic", cases=120, seed=2, verbosity=0)
    call_command("generate_synthetic_analyses", seed=2, verbosity=0)
    with django_assert_max_num_queries(14):
        annual_report(area=llr, period=PERIOD, today=dt.date(2026, 5, 1))


# -- downloads


def xlsx_parts(content: bytes) -> tuple[list[str], dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        strings_xml = archive.read("xl/sharedStrings.xml").decode()
        sheets = {n: archive.read(n).decode() for n in names if n.startswith("xl/worksheets/")}
    strings = [
        re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", strings_xml, flags=re.S)
    ]
    return strings, sheets


def unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def test_the_spreadsheet_hides_what_the_page_hides_and_makes_no_formulas(
    llr, known, alice, client_for
):
    theme = Theme.objects.create(area=llr, slug="formula", name='=HYPERLINK("http://x","y")')
    for case in Case.objects.filter(status=Status.FINALISED)[:6]:
        CaseTheme.objects.create(
            case=case, theme=theme, area=llr, tagged_by=alice, tagged_at=at(2025, 9, 2)
        )
    Factor.objects.filter(analysis__modifiable="yes").update(description="+cmd|' /C calc'!A0")

    response = client_for(alice).get(PAGE.rstrip("/") + ".xlsx" + QUERY)

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('2025-04-01-to-2026-03-31.xlsx"')
    strings, sheets = xlsx_parts(response.content)
    texts = [unescape(s) for s in strings]
    assert '=HYPERLINK("http://x","y")' in texts
    assert "+cmd|' /c calc'!a0".capitalize() in texts
    assert "<5" in texts
    assert "*" in texts
    for xml in sheets.values():
        assert "<f>" not in xml, "no formula anywhere"
        assert "<f " not in xml
        numbers = re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?><v>(\d+(?:\.\d+)?)</v></c>', xml)
        assert not [n for n in numbers if 1 <= float(n) <= 4], "no count of 1 to 4"


def test_the_pdf_hides_what_the_page_hides(llr, known, alice, client_for):
    report = annual_report(area=llr, period=PERIOD, today=dt.date(2026, 5, 1))
    charts = report_charts(report)
    html = annual_report_pdf_html(
        report=report, sections=[(t, charts.get(t.key)) for t in report.tables]
    )
    figures = re.findall(r"<td>([^<]*)</td>", html)
    assert figures
    assert not [f for f in figures if f.strip() in {"1", "2", "3", "4"}]
    assert "&lt;5" in figures

    response = client_for(alice).get(PAGE.rstrip("/") + ".pdf" + QUERY)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Deaths notified, by age at death" in text
    assert "<5" in text


# -- who may see it, and bad periods


@pytest.mark.parametrize("persona", ["alice", "ada", "devi", "kim", "chris", "pat"])
def test_every_role_of_the_area_reads_the_report(llr, client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).get(PAGE)
    assert response.status_code == 200
    assert "The year to 31 March" in response.text


@pytest.mark.parametrize("suffix", ["/", ".pdf", ".xlsx"])
def test_another_areas_user_gets_not_found(llr, client_for, olu, suffix):
    response = client_for(olu).get("/staff/statistics/annual/llr" + suffix)
    assert response.status_code == 404


def test_someone_with_no_role_gets_not_found_even_for_the_list(llr, client_for, charlie):
    from conftest import give_totp

    give_totp(charlie)  # past the second-factor set-up, to the page itself
    assert client_for(charlie).get("/staff/statistics/annual/").status_code == 404
    assert client_for(charlie).get(PAGE).status_code == 404


def test_the_list_sends_a_one_area_user_to_their_area(llr, client_for, alice):
    response = client_for(alice).get("/staff/statistics/annual/")
    assert response.status_code == 302
    assert response["Location"] == PAGE


@pytest.mark.parametrize("suffix", ["annual/", "annual/llr/", "annual/llr.pdf", "annual/llr.xlsx"])
def test_signed_out_people_are_sent_to_sign_in(llr, client, suffix):
    response = client.get("/staff/statistics/" + suffix)
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]


def test_an_unknown_area_is_not_found(llr, client_for, alice):
    assert client_for(alice).get("/staff/statistics/annual/nowhere/").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?date_from_day=1&date_from_month=14&date_from_year=2025"
            "&date_to_day=31&date_to_month=3&date_to_year=2026",
            "Start of the period must be a real date",
        ),
        (
            "?date_from_day=1&date_from_month=4&date_from_year=2026"
            "&date_to_day=31&date_to_month=3&date_to_year=2025",
            "The end of the period must be the same as or after its start",
        ),
        (
            "?date_from_day=1&date_from_month=4&date_from_year=2015"
            "&date_to_day=31&date_to_month=3&date_to_year=2026",
            "The period must be 5 years or shorter",
        ),
        ("?date_from_day=1&date_from_month=4", "Start of the period must include a year"),
        ("?date_to_day=x&date_to_month=3&date_to_year=2026", "Enter the start of the period"),
    ],
)
@pytest.mark.parametrize("suffix", ["/", ".pdf", ".xlsx"])
def test_a_bad_period_is_refused_with_a_clear_message(
    llr, client_for, alice, query, message, suffix
):
    response = client_for(alice).get("/staff/statistics/annual/llr" + suffix + query)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text


def test_the_default_period_is_the_last_year_to_31_march():
    assert period_default(dt.date(2026, 11, 28)) == Period(
        dt.date(2025, 4, 1), dt.date(2026, 3, 31)
    )
    assert period_default(dt.date(2026, 3, 31)) == Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert period_default(dt.date(2026, 4, 1)) == Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_the_demo_gives_finalised_cases_their_findings_once(llr):
    from cdop.reporting.demo import demo_reporting

    call_command("generate_synthetic", cases=40, seed=4, verbosity=0)
    first, second = io.StringIO(), io.StringIO()
    demo_reporting(first)
    made = Analysis.objects.count()
    demo_reporting(second)

    finalised = Case.objects.filter(area=llr, status=Status.FINALISED).count()
    assert made == finalised
    assert Analysis.objects.count() == made
    assert f"{finalised} finalised demo cases given an analysis" in first.getvalue()
    assert second.getvalue() == ""
