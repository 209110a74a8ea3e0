"""The area page's rows and filters written in Python, and its summary's figures kept with
its order: what the template wrote, byte for byte, every value escaped; the figures
forgotten whenever scores are stored."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.cases.sections import section_url
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.core.tests.helpers import committed
from cdop.dataquality.checks import RULES, Severity
from cdop.dataquality.models import CaseQualityScore
from cdop.dataquality.presenters import area_rows_html
from cdop.dataquality.selectors import (
    CaseQuality,
    Issue,
    Row,
    _fix_url,
    checked_now,
)
from cdop.dataquality.services import quality_store
from cdop.dataquality.tests.helpers import BREAKERS, clean_case

# The rows as the area page's template wrote them before they were written in Python.
TEMPLATE_ROWS = """{% for row in rows %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell cdop-nowrap"><a class="govuk-link" href="{% url 'dataquality_case:page' row.reference %}">{{ row.reference }}</a></td>
      <td class="govuk-table__cell">{{ row.status_label }}</td>
      {% if row.quality %}
      <td class="govuk-table__cell"><strong class="govuk-tag {{ row.quality.tag_class }}">{{ row.quality.tag_label }}</strong></td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.quality.completeness }}%</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.quality.error_count }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.quality.warning_count }}</td>
      <td class="govuk-table__cell govuk-body-s">{% for issue in row.quality.issues|slice:":3" %}{{ issue.rule.title }}{% if not forloop.last %}; {% endif %}{% endfor %}{% if row.quality.issues|length > 3 %}; and {{ row.quality.issues|length|add:"-3" }} more{% endif %}</td>
      {% else %}
      <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--grey">Not checked yet</strong></td>
      <td class="govuk-table__cell govuk-table__cell--numeric">–</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">–</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">–</td>
      <td class="govuk-table__cell govuk-body-s">Open the case's data-quality page to check it now</td>
      {% endif %}
    </tr>
    {% endfor %}"""  # noqa: E501

ERRORS = [r for r in RULES if r.severity == Severity.ERROR]
WARNINGS = [r for r in RULES if r.severity == Severity.WARNING]


def _row(reference: str, issues: list | None, applicable: int = 10, missing: int = 0) -> Row:
    quality = None
    if issues is not None:
        quality = CaseQuality(
            issues=[Issue(rule=r, fix_url="/") for r in issues],
            required_applicable=applicable,
            required_missing=missing,
        )
    return Row(
        pk=1,
        reference=reference,
        status="finalised",
        status_label="Finalised <after panel>",
        quality=quality,
        checked_at=timezone.now() if quality else None,
    )


def test_the_rows_are_what_the_template_wrote():
    rows = [
        _row("LLR-2026-0001", ERRORS[:5] + WARNINGS[:1], missing=3),
        _row("LLR-2026-0002", WARNINGS[:3]),
        _row("LLR-2026-0003", ERRORS[:2] + WARNINGS[:2], applicable=0),
        _row("LLR-2026-0004", []),
        _row("LLR-2026-0005", None),
        _row("ODD <ref>&ü", ERRORS[:1]),
    ]

    expected = engines["django"].from_string(TEMPLATE_ROWS).render({"rows": rows})

    assert area_rows_html(rows) == expected
    assert "&lt;after panel&gt;" in expected


@pytest.mark.parametrize("reference", ["LLR-2026-0107", "ODD <ref>&ü"])
def test_an_issues_link_is_the_sections_url(reference: str):
    for rule in RULES:
        assert _fix_url(reference, rule.section) == section_url(reference, rule.section)


@pytest.mark.django_db
def test_the_filters_show_what_was_chosen(llr, alice, client_for):
    client = client_for(alice)
    rule = RULES[0]

    chosen = client.get(f"/staff/data-quality/llr/?status=notified&rule={rule.id}")
    blank = client.get("/staff/data-quality/llr/?status=&rule=")
    wrong = client.get("/staff/data-quality/llr/?status=nonsense")

    assert '<option value="notified" selected>Notified</option>' in chosen.content.decode()
    assert f'<option value="{rule.id}" selected>' in chosen.content.decode()
    assert " selected>" not in blank.content.decode()
    assert wrong.status_code == 400
    assert " selected>" not in wrong.content.decode()


def _statements(client, path: str = "/staff/data-quality/llr/") -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured]


@pytest.mark.django_db
def test_the_unfiltered_page_reads_its_kept_figures_in_one_query_and_its_rows_in_one(
    llr, alice, client_for
):
    client = client_for(alice)
    with committed():
        case = clean_case(area=llr, by=alice)
        BREAKERS["postcode_missing"](case)
        quality_store(qualities=checked_now(case_ids=[case.pk]))
    client.get("/staff/data-quality/llr/")  # the session settles, the figures are kept
    kept = _statements(client)
    with committed():  # new cases of the area: the order and figures are read afresh, once
        for _ in range(55):
            CaseFactory(area=llr, status=Status.NOTIFIED)
    afresh = _statements(client)
    many = _statements(client)

    # The session, the user, the authenticator and the area; the cache; the rows.
    assert len(kept) == len(many) == 6
    assert len(afresh) > len(many)
    assert not [q for q in kept if "COUNT(" in q or "SUM(" in q]
    assert len([q for q in kept if "cdop_cache" in q]) == 1


@pytest.mark.django_db
def test_the_summarys_figures_are_kept_and_forgotten_when_scores_are_stored(llr, alice, client_for):
    client = client_for(alice)
    with committed():
        case = clean_case(area=llr, by=alice)
        quality_store(qualities=checked_now(case_ids=[case.pk]))

    def summary():
        return client.get("/staff/data-quality/llr/").context["summary"]

    first = summary()
    # Scores written in bulk, without the services: the kept figures stand a while.
    CaseQualityScore.objects.filter(case=case).update(errors=5)
    kept = summary()
    # A recheck stores scores: the figures are read afresh.
    with committed():
        BREAKERS["postcode_missing"](case)
        quality_store(qualities=checked_now(case_ids=[case.pk]))
    after_store = summary()
    filtered = client.get("/staff/data-quality/llr/?status=finalised").context["summary"]

    assert first.with_errors == 0
    assert kept.with_errors == 0
    assert after_store.with_errors == 1
    assert {c.rule.id for c in after_store.by_rule} == {"postcode_missing"}
    assert after_store.oldest_check > first.oldest_check - datetime.timedelta(seconds=1)
    assert filtered.with_errors == 1
    assert filtered.cases == after_store.cases == 1
