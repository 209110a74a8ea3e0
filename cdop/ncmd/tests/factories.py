"""Synthetic cases of every shape for the NCMD export's tests. No real child: NHS numbers
from the 999 range, invented names and addresses."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.agencyforms.tests.factories import FormRequestFactory
from cdop.analysis.tests.factories import complete_analysis
from cdop.cases.models import Case, CaseTransition
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.formdefs.models import FormDefinition
from cdop.notifications.models import Notification


def notified(case: Case, **overrides: Any) -> Notification:
    values: dict[str, Any] = {
        "area": case.area,
        "case": case,
        "status": Notification.Status.CASE_OPENED,
        "child_first_name": case.child_first_name,
        "child_last_name": case.child_last_name,
        "child_date_of_birth": case.child_date_of_birth,
        "date_of_death": case.date_of_death,
        "child_nhs_number": case.child_nhs_number,
        "child_other_names": "Olly",
        "child_ethnicity": "asian_indian",
        "child_address": "1 Synthetic Street, Leicester",
        "gp_practice": "Synthetic Surgery",
        "time_of_death": datetime.time(4, 30),
        "place_of_death": "hospital_ed",
        "post_mortem": "yes",
        "coroner_informed": "yes",
        "parental_responsibility": "Parent One\nParent Two",
        "residence_status": "this_area",
        "residence_lower_code": "E06000016",
        "residence_upper_code": "E06000016",
    }
    values.update(overrides)
    return NotificationFactory(**values)


def returned_forms(case: Case, by: Any) -> FormRequest:
    """An agency's returned Reporting Form and one supplementary form, with answers of
    every kind (text, number, choice, multiple choice, not known)."""
    core = FormDefinition.objects.get(code="reporting-form", version=1)
    extra = FormDefinition.objects.get(code="asthma-anaphylaxis", version=1)
    now = timezone.now()
    request = FormRequestFactory(
        case=case, requested_by=by, status=FormRequest.Status.SUBMITTED, submitted_at=now
    )
    RequestedForm.objects.create(
        request=request,
        definition=core,
        completed_at=now,
        updated_at=now,
        answers={
            "completed_by_name": {"value": "Synthetic Nurse"},
            "height_cm": {"value": 74},
            "weight_kg": {"not_known": True},
            "smoking_pregnancy": {"value": "no"},
            "services": {"value": ["gp", "hospital"]},
            "measured_on": {"value": "2026-09-01"},
        },
    )
    RequestedForm.objects.create(
        request=request,
        definition=extra,
        completed_at=now,
        updated_at=now,
        answers={"asthma_diagnosed": {"value": "yes"}},
    )
    # A form requested but never returned is not part of the export.
    FormRequestFactory(case=case, requested_by=by)
    return request


def finalised_case(*, area: Any, by: Any, **overrides: Any) -> Case:
    """A finalised case with a notification, returned forms and a complete analysis."""
    values: dict[str, Any] = {
        "area": area,
        "status": Status.FINALISED,
        "finalised_at": timezone.now(),
    }
    values.update(overrides)
    case = CaseFactory(**values)
    notified(case)
    returned_forms(case, by)
    complete_analysis(case=case, by=by)
    CaseTransition.objects.create(
        case=case,
        name="case_finalise",
        from_status=Status.PANEL_REVIEWED,
        to_status=Status.FINALISED,
        by=by,
        at=timezone.now(),
    )
    return case
