"""A clean case (every check passes) and the changes that make each rule fire. All data
synthetic: NHS numbers from the 999 range, invented names."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.agencyforms.tests.factories import FormRequestFactory
from cdop.analysis.models import Analysis, CategoryOfDeath, Factor
from cdop.analysis.tests.factories import complete_analysis, domain
from cdop.cases.models import Case, Expectedness, Sex
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.formdefs.models import FormDefinition
from cdop.investigations.models import PostMortem
from cdop.investigations.tests.factories import PostMortemFactory
from cdop.ncmd.tests.factories import notified
from cdop.notifications.models import Notification
from cdop.work.tests.factories import TaskFactory


def clean_case(*, area: Any, by: Any, **overrides: Any) -> Case:
    """A finalised unexpected death with its JAR, a full notification, a returned Reporting
    Form answered in full, a post-mortem with its report and a complete analysis."""
    values: dict[str, Any] = {
        "area": area,
        "status": Status.FINALISED,
        "finalised_at": timezone.now(),
        "expectedness": Expectedness.UNEXPECTED,
        "date_of_death": datetime.date(2026, 10, 1),
        "child_date_of_birth": datetime.date(2024, 6, 1),
    }
    values.update(overrides)
    case = CaseFactory(**values)
    notified(case, expectedness=Expectedness.UNEXPECTED, jar_required=True)
    TaskFactory(case=case, rule="jar", title="Hold the initial JAR strategy discussion")
    now = timezone.now()
    request = FormRequestFactory(
        case=case, requested_by=by, status=FormRequest.Status.SUBMITTED, submitted_at=now
    )
    RequestedForm.objects.create(
        request=request,
        definition=FormDefinition.objects.get(code="reporting-form", version=1),
        completed_at=now,
        updated_at=now,
        answers={"completed_by_name": {"value": "Synthetic Nurse"}, "height_cm": {"value": 74}},
    )
    PostMortemFactory(
        case=case,
        requested_on=datetime.date(2026, 10, 2),
        performed_on=datetime.date(2026, 10, 3),
        report_received_on=datetime.date(2026, 11, 1),
    )
    complete_analysis(case=case, by=by)
    return case


def _case(case: Case, **values: Any) -> None:
    Case.objects.filter(pk=case.pk).update(**values)


def _notifications(case: Case, **values: Any) -> None:
    Notification.objects.filter(case=case).update(**values)


def _analysis(case: Case, **values: Any) -> None:
    Analysis.objects.filter(case=case).update(**values)


def _draft(case: Case, **values: Any) -> None:
    _analysis(case, status=Analysis.Status.DRAFT, **values)


def _no_analysis(case: Case) -> None:
    _case(case, status=Status.PANEL_REVIEWED, finalised_at=None)
    Analysis.objects.filter(case=case).delete()


def _requires_unexpected(case: Case) -> None:
    category = CategoryOfDeath.objects.filter(requires_unexpected=True).first()
    assert category is not None
    _analysis(case, category=category, expectedness=Analysis.Expectedness.EXPECTED)
    _case(case, expectedness=Expectedness.EXPECTED)


def _factor_not_available(case: Case) -> None:
    Factor.objects.create(
        analysis=Analysis.objects.get(case=case),
        domain=domain(1),
        position=2,
        description="Family history not known",
        grade=Factor.Grade.NOT_AVAILABLE,
    )


def _form_not_known(case: Case) -> None:
    RequestedForm.objects.filter(request__case=case).update(
        answers={"completed_by_name": {"value": "Nurse"}, "weight_kg": {"not_known": True}}
    )


# Each rule, and the change to the clean case that should make it (and it alone of its
# kind, as far as the data allows) fire.
BREAKERS: dict[str, Callable[[Case], None]] = {
    "notification_missing": lambda c: Notification.objects.filter(case=c).delete(),
    "nhs_number_no_reason": lambda c: _case(c, child_nhs_number=""),
    "postcode_missing": lambda c: _case(c, child_postcode=""),
    "address_missing": lambda c: _notifications(c, child_address=""),
    "gp_practice_missing": lambda c: _notifications(c, gp_practice=""),
    "expectedness_undecided": lambda c: _case(c, expectedness=Expectedness.NOT_KNOWN),
    "reporting_form_missing": lambda c: FormRequest.objects.filter(case=c).update(
        status=FormRequest.Status.REQUESTED, submitted_at=None
    ),
    "analysis_missing": _no_analysis,
    "analysis_category_missing": lambda c: _draft(c, category=None),
    "analysis_modifiable_missing": lambda c: _draft(c, modifiable=""),
    "analysis_expectedness_missing": lambda c: _draft(c, expectedness=""),
    "analysis_cause_missing": lambda c: _analysis(c, cause_of_death=""),
    "sex_not_known": lambda c: _case(c, child_sex=Sex.NOT_KNOWN),
    "ethnicity_not_known": lambda c: _notifications(c, child_ethnicity="not_known"),
    "place_of_death_not_known": lambda c: _notifications(c, place_of_death="not_known"),
    "residence_not_known": lambda c: _notifications(c, residence_status="unknown"),
    "expectedness_not_known": lambda c: _case(
        c, status=Status.INFORMATION_GATHERING, expectedness=Expectedness.NOT_KNOWN
    ),
    "post_mortem_not_known": lambda c: (
        _notifications(c, post_mortem="not_known"),
        PostMortem.objects.filter(case=c).delete(),
    ),
    "coroner_not_known": lambda c: _notifications(c, coroner_informed="not_known"),
    "reporting_form_not_known": _form_not_known,
    "analysis_modifiable_insufficient": lambda c: _analysis(
        c, modifiable=Analysis.Modifiable.INSUFFICIENT
    ),
    "analysis_factor_not_available": _factor_not_available,
    "expected_with_jar": lambda c: _case(c, expectedness=Expectedness.EXPECTED),
    "unexpected_without_jar": lambda c: (
        c.tasks.all().delete(),
        _notifications(c, jar_required=False),
    ),
    "death_before_birth": lambda c: _notifications(c, date_of_death=datetime.date(2024, 5, 1)),
    "death_after_notification": lambda c: _notifications(
        c, received_at=timezone.make_aware(datetime.datetime(2026, 9, 30, 12, 0))
    ),
    "age_18_or_over": lambda c: _case(c, child_date_of_birth=datetime.date(2008, 10, 1)),
    "category_requires_unexpected": _requires_unexpected,
    "modifiable_without_factor": lambda c: Factor.objects.filter(analysis__case=c).update(
        modifiable=False
    ),
    "modifiable_factor_but_no": lambda c: _analysis(c, modifiable=Analysis.Modifiable.NO),
    "analysis_expectedness_disagrees": lambda c: _analysis(
        c, expectedness=Analysis.Expectedness.EXPECTED
    ),
    "post_mortem_not_requested": lambda c: PostMortem.objects.filter(case=c).update(
        requested_on=None
    ),
    "finalised_without_analysis": lambda c: _draft(c),
}
