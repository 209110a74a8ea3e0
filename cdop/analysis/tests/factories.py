from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from cdop.analysis.models import Analysis, CategoryOfDeath, Factor, FactorDomain, Recommendation
from cdop.analysis.selectors import form_version_current
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.meetings.models import AgendaItem, Invitee, Meeting


def domain(position: int) -> FactorDomain:
    return FactorDomain.objects.get(form_version=form_version_current(), position=position)


def category(code: str) -> CategoryOfDeath:
    return CategoryOfDeath.objects.get(form_version=form_version_current(), code=code)


def complete_analysis(*, case: Any, by: Any, **overrides: Any) -> Analysis:
    """A complete analysis: one factor graded 2 (modifiable), infection, expected."""
    now = timezone.now()
    values: dict[str, Any] = {
        "case": case,
        "form_version": form_version_current(),
        "status": Analysis.Status.COMPLETE,
        "modifiable": Analysis.Modifiable.YES,
        "category": category("infection"),
        "cause_of_death": "Meningococcal septicaemia",
        "learning_points": "Parents were not given sepsis safety-netting advice.",
        "expectedness": Analysis.Expectedness.UNEXPECTED,
        "created_at": now,
        "created_by": by,
        "updated_at": now,
        "updated_by": by,
        "completed_at": now,
        "completed_by": by,
    }
    values.update(overrides)
    analysis = Analysis.objects.create(**values)
    Factor.objects.create(
        analysis=analysis,
        domain=domain(4),
        position=1,
        description="Delay in recognising sepsis out of hours",
        grade=2,
        modifiable=True,
    )
    Recommendation.objects.create(
        analysis=analysis, position=1, text="Out-of-hours service to audit sepsis triage."
    )
    return analysis


def reviewed_case(**kwargs: Any) -> Any:
    return CaseFactory(status=Status.PANEL_REVIEWED, **kwargs)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = "panel"
    title = factory.Sequence(lambda n: f"Panel meeting {n}")
    starts_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)


class InviteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitee

    name = factory.Sequence(lambda n: f"Invitee {n}")
    email = factory.Sequence(lambda n: f"invitee{n}@example.invalid")
    sector = "health"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    position = factory.Sequence(lambda n: n + 1)
