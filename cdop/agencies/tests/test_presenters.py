"""The directory's rows written in Python: what the template wrote, every value escaped, in
a fixed number of queries whatever the number of organisations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cdop.agencies.presenters import directory_rows_html
from cdop.agencies.selectors import organisations_list
from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# The rows as the directory's template wrote them before they were written in Python.
TEMPLATE_ROWS = """{% for organisation in organisations %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'agencies:organisation' organisation.pk %}">{{ organisation.name }}</a></td>
      <td class="govuk-table__cell">{{ organisation.get_kind_display }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ organisation.active_contacts }}</td>
      <td class="govuk-table__cell">{% if organisation.active %}In use{% else %}<strong class="govuk-tag govuk-tag--grey">Not in use</strong>{% endif %}</td>
    </tr>
    {% endfor %}"""  # noqa: E501


def test_the_rows_are_what_the_template_wrote(llr):
    police = OrganisationFactory(area=llr, name="Synthetic <Police> & Co", kind="police")
    AgencyContactFactory(organisation=police)
    AgencyContactFactory(organisation=police, active=False)
    OrganisationFactory(area=llr, name="Synthetic School", kind="education", active=False)
    organisations = list(organisations_list(area=llr))

    expected = engines["django"].from_string(TEMPLATE_ROWS).render({"organisations": organisations})

    assert directory_rows_html(organisations) == expected


def test_a_row_links_the_organisation_and_escapes_its_name(llr):
    police = OrganisationFactory(area=llr, name="<script>Synthetic</script>", kind="police")

    html = directory_rows_html(organisations_list(area=llr))

    assert f'href="/staff/agencies/organisations/{police.pk}/">' in html
    assert "&lt;script&gt;Synthetic&lt;/script&gt;</a>" in html
    assert "<script>" not in html
    assert ">Police</td>" in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("agencies:directory")).status_code == 200
    return len(captured)


def test_the_directory_reads_the_same_number_of_queries_for_one_organisation_or_forty(
    client_for, ada, llr
):
    OrganisationFactory(area=llr)
    client = client_for(ada)
    client.get(reverse("agencies:directory"))  # the session settles
    one = _queries(client)
    for _ in range(39):
        AgencyContactFactory(organisation=OrganisationFactory(area=llr))

    assert _queries(client) == one
