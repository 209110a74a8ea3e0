"""Factories for events. Every value is synthetic."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cdop.core.tests.factories import UserFactory
from cdop.investigations.models import (
    CoronerReferral,
    Inquest,
    MedicalExaminerReview,
    PostMortem,
    PostMortemType,
)


class _EventFactory(factory.django.DjangoModelFactory):
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class PostMortemFactory(_EventFactory):
    class Meta:
        model = PostMortem

    pm_type = PostMortemType.CORONIAL
    requested_on = datetime.date(2026, 10, 2)
    performed_on = datetime.date(2026, 11, 3)


class CoronerReferralFactory(_EventFactory):
    class Meta:
        model = CoronerReferral

    informed_on = datetime.date(2026, 10, 1)


class InquestFactory(_EventFactory):
    class Meta:
        model = Inquest

    opened_on = datetime.date(2026, 10, 8)


class MedicalExaminerReviewFactory(_EventFactory):
    class Meta:
        model = MedicalExaminerReview

    reviewed_on = datetime.date(2026, 10, 3)
