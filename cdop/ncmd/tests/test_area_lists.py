"""The NCMD area page's three lists, read by fixed statements and written in Python: the same
cases in the same order as the ORM's queries, and the same HTML as the template wrote."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template import engines
from django.utils import timezone

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.ncmd.forms import BulkExportForm
from cdop.ncmd.models import NcmdBatch, NcmdExport, PeriodBasis
from cdop.ncmd.presenters import batch_rows_html, recent_items_html, resend_rows_html
from cdop.ncmd.selectors import (
    area_batches,
    area_recent_exports,
    cases_needing_resend,
    resend_rows,
)
from cdop.ncmd.services import ncmd_export_case, year_to_31_march
from cdop.ncmd.tests.factories import finalised_case

pytestmark = pytest.mark.django_db

# The lists as the area page's template wrote them before they were written in Python.
TEMPLATE_RESEND = """{% for case in resend %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'ncmd_case:page' case.reference %}">{{ case.reference }}</a></td>
      <td class="govuk-table__cell">{{ case.get_status_display }}</td>
      <td class="govuk-table__cell">{{ case.last_export_at|date:"j M Y, H:i"|default:"Not from this service" }}</td>
      <td class="govuk-table__cell">{% if case.ncmd_resend_needed %}Reopened after it was finalised{% else %}Changed since it was sent{% endif %}</td>
    </tr>
    {% endfor %}"""  # noqa: E501
TEMPLATE_BATCHES = """{% for batch in batches %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ batch.requested_at|date:"j M Y, H:i" }}<br><span class="govuk-body-s">{{ batch.requested_by.full_name|default:"The command line" }}</span></td>
      <td class="govuk-table__cell">{{ batch.get_basis_display }}: {{ batch.date_from|date:"j M Y" }} to {{ batch.date_to|date:"j M Y" }}</td>
      <td class="govuk-table__cell">{{ batch.get_status_display }}{% if batch.error %}<br><span class="govuk-body-s">{{ batch.error }}</span>{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ batch.case_count }}</td>
      <td class="govuk-table__cell">{% if batch.file_name %}<code class="app-code">{{ batch.file_name }}</code><br><span class="govuk-body-s">SHA-256 {{ batch.sha256|truncatechars:17 }}</span>{% endif %}</td>
    </tr>
    {% endfor %}"""  # noqa: E501
TEMPLATE_RECENT = """{% for export in recent %}
  <li><a class="govuk-link" href="{% url 'ncmd_case:page' export.case.reference %}">{{ export.case.reference }}</a>, {{ export.at|date:"j M Y, H:i" }}, by {{ export.by.full_name|default:"the command line" }}</li>
  {% endfor %}"""  # noqa: E501


def _render(template: str, **context: object) -> str:
    return engines["django"].from_string(template).render(context)


@pytest.fixture
def sent_and_changed(llr, other_area, alice, olu):  # type: ignore[no-untyped-def]
    """Cases sent and changed since, sent and unchanged, reopened, merged, never sent, and
    another area's: the cases of test_resend_scale."""
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=2), tick=False):
        changed = finalised_case(area=llr, by=alice, reference="LLR-2026-0003")
        unchanged = finalised_case(area=llr, by=alice, reference="LLR-2026-0004")
        theirs = finalised_case(area=other_area, by=olu, reference="DEMO-2026-0001")
        for case in (changed, unchanged):
            ncmd_export_case(case=case, by=alice)
        ncmd_export_case(case=theirs, by=olu)
    never_sent = finalised_case(area=llr, by=alice, reference="LLR-2026-0005")
    CaseFactory(
        area=llr, reference="LLR-2026-0001", status=Status.AWAITING_PANEL, ncmd_resend_needed=True
    )
    merged = CaseFactory(
        area=llr, reference="LLR-2026-0002", status=Status.MERGED, ncmd_resend_needed=True
    )
    for case in (changed, never_sent, theirs, merged):
        NotificationFactory(area=case.area, case=case, received_at=now)
    return llr


def test_the_fixed_statement_lists_the_cases_the_orm_query_lists(sent_and_changed):
    llr = sent_and_changed
    orm = list(cases_needing_resend(area=llr))

    rows = resend_rows(area=llr, limit=200)

    assert (
        [r.reference for r in rows]
        == [c.reference for c in orm]
        == [
            "LLR-2026-0001",
            "LLR-2026-0003",
        ]
    )
    assert [(r.status, r.ncmd_resend_needed, r.last_export_at) for r in rows] == [
        (c.status, c.ncmd_resend_needed, c.last_export_at) for c in orm
    ]
    assert [r.reference for r in resend_rows(area=llr, limit=1)] == ["LLR-2026-0001"]


def test_the_resend_rows_are_what_the_template_wrote(sent_and_changed):
    llr = sent_and_changed
    orm = list(cases_needing_resend(area=llr))

    html = resend_rows_html(resend_rows(area=llr, limit=200))

    assert html == _render(TEMPLATE_RESEND, resend=orm)
    assert "Not from this service" in html
    assert "Changed since it was sent" in html


def test_the_bulk_exports_and_cases_sent_are_what_the_template_wrote(llr, alice):
    now = timezone.now()
    for n, (by, error, file_name) in enumerate(
        [
            (alice, "", "ncmd-<llr>&1.zip"),
            (None, "Refused: <b>bad</b> & worse", ""),
            (alice, "", ""),
        ]
    ):
        NcmdBatch.objects.create(
            area=llr,
            basis=PeriodBasis.DATE_OF_DEATH if n % 2 else PeriodBasis.FINALISED,
            date_from=datetime.date(2024, 4, 1),
            date_to=datetime.date(2025, 3, 31),
            status=NcmdBatch.Status.FAILED if error else NcmdBatch.Status.DONE,
            requested_at=now - datetime.timedelta(hours=n, minutes=7),
            requested_by=by,
            case_count=n * 40,
            file_name=file_name,
            sha256="0123456789abcdef" * 4 if file_name else "",
            error=error,
        )
    sent = finalised_case(area=llr, by=alice)
    ncmd_export_case(case=sent, by=alice)
    by_command = ncmd_export_case(case=finalised_case(area=llr, by=alice), by=alice)
    NcmdExport.objects.filter(pk=by_command.pk).update(
        by=None, at=now - datetime.timedelta(days=400)
    )
    batches = list(
        NcmdBatch.objects.filter(area=llr)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )
    recent = list(
        NcmdExport.objects.filter(area=llr, kind=NcmdExport.Kind.SINGLE)
        .select_related("case", "by")
        .order_by("-at", "-pk")
    )

    batches_html = batch_rows_html(area_batches(area=llr))
    recent_html = recent_items_html(area_recent_exports(area=llr))

    assert batches_html == _render(TEMPLATE_BATCHES, batches=batches)
    assert recent_html == _render(TEMPLATE_RECENT, recent=recent)
    assert "&lt;b&gt;bad&lt;/b&gt; &amp; worse" in batches_html
    assert "The command line" in batches_html
    assert "by the command line" in recent_html


def test_the_page_shows_the_blank_form_of_this_years_period(llr, client_for, alice):
    start, end = year_to_31_march(timezone.localdate())
    form = BulkExportForm(
        initial={"basis": PeriodBasis.DATE_OF_DEATH, "date_from": start, "date_to": end}
    )

    page = client_for(alice).get("/staff/ncmd/llr/").text

    assert str(form) in page
