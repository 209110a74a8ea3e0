from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.areas.models import Area
from cdop.areas.selectors import area_get_allowed, areas_with_roles
from cdop.reporting.annual import AnnualReport, Period, annual_report, period_default
from cdop.reporting.charts import bar_charts_svg, svg_data_uri
from cdop.reporting.exports import annual_report_pdf, annual_report_xlsx
from cdop.reporting.forms import PeriodForm
from cdop.reporting.selectors import statistics_for_area
from cdop.reporting.suppression import MARK_NOTES

PERIOD_FIELDS = ("date_from", "date_to")


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    area_ids = permissions.area_ids_with_roles(request.user, permissions.STATISTICS_READERS)
    areas = Area.objects.filter(pk__in=area_ids).order_by("name")
    return render(
        request,
        "reporting/statistics.html",
        {"stats": [statistics_for_area(area=area) for area in areas]},
    )


def _area(request: HttpRequest, slug: str) -> Area:
    return area_get_allowed(
        slug=slug, allowed=lambda area_id: permissions.can_read_annual_report(request.user, area_id)
    )


def _period_form(request: HttpRequest) -> tuple[PeriodForm, Period | None]:
    """The period asked for in the query string, or the last year to 31 March by default."""
    default = period_default(timezone.localdate())
    asked = any(key.startswith(PERIOD_FIELDS) for key in request.GET)
    if not asked:
        form = PeriodForm(initial={"date_from": default.start, "date_to": default.end})
        return form, default
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, Period(form.cleaned_data["date_from"], form.cleaned_data["date_to"])


def report_charts(report: AnnualReport) -> dict[str, str]:
    """Each chart of the report as a data: URI, by table key."""
    drawn = [t for t in report.tables if t.chart and not t.withheld and t.chart_series()]
    svgs = bar_charts_svg([(t.title, t.chart_series(), t.count_heading) for t in drawn])
    return {table.key: svg_data_uri(svg) for table, svg in zip(drawn, svgs, strict=True)}


@login_required
def annual_index(request: HttpRequest) -> HttpResponse:
    areas = areas_with_roles(user=request.user, roles=permissions.REPORT_READERS)
    if not areas:
        raise Http404
    if len(areas) == 1:
        return redirect(reverse("reporting:annual", kwargs={"area": areas[0].slug}))
    return render(request, "reporting/annual_index.html", {"areas": areas})


def _bad_period(request: HttpRequest, area: Area, form: PeriodForm) -> HttpResponse:
    return render(
        request,
        "reporting/annual.html",
        {"area": area, "form": form, "report": None},
        status=400,
    )


@login_required
def annual_page(request: HttpRequest, area: str) -> HttpResponse:
    found = _area(request, area)
    form, period = _period_form(request)
    if period is None:
        return _bad_period(request, found, form)
    report = annual_report(area=found, period=period)
    query = request.GET.urlencode()
    charts = report_charts(report)
    return render(
        request,
        "reporting/annual.html",
        {
            "area": found,
            "form": form,
            "report": report,
            "sections": [(table, charts.get(table.key)) for table in report.tables],
            "marks": MARK_NOTES.items(),
            "query": f"?{query}" if query else "",
        },
    )


@login_required
def annual_pdf(request: HttpRequest, area: str) -> HttpResponse:
    found = _area(request, area)
    form, period = _period_form(request)
    if period is None:
        return _bad_period(request, found, form)
    report = annual_report(area=found, period=period)
    charts = report_charts(report)
    pdf = annual_report_pdf(
        report=report, sections=[(table, charts.get(table.key)) for table in report.tables]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="annual-report-{found.slug}-{period.slug}.pdf"'
    )
    return response


@login_required
def annual_xlsx(request: HttpRequest, area: str) -> HttpResponse:
    found = _area(request, area)
    form, period = _period_form(request)
    if period is None:
        return _bad_period(request, found, form)
    report = annual_report(area=found, period=period)
    response = HttpResponse(
        annual_report_xlsx(report=report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="annual-report-{found.slug}-{period.slug}.xlsx"'
    )
    return response
