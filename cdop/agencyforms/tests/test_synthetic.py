from __future__ import annotations

import pytest
from django.core.management import call_command

from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.tests.factories import FormRequestFactory
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_request_keeps_its_case_s_area(llr):
    assert FormRequestFactory(case=CaseFactory(area=llr)).area == llr


def test_generate_synthetic_forms_adds_about_three_requests_a_case_once(llr, alice):
    cases = [CaseFactory(area=llr) for _ in range(30)]
    call_command("generate_synthetic_forms")
    made = FormRequest.objects.count()
    assert 60 <= made <= 120
    assert set(FormRequest.objects.values_list("case_id", flat=True)) == {c.pk for c in cases}
    assert set(FormRequest.objects.values_list("area_id", flat=True)) == {llr.pk}
    assert FormRequest.objects.filter(status__in=["requested", "in_progress"]).exists()
    call_command("generate_synthetic_forms")
    assert FormRequest.objects.count() == made
