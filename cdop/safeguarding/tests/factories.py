"""Factories for safeguarding records. Every value is synthetic."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cdop.core.tests.factories import UserFactory
from cdop.safeguarding.models import (
    Recipient,
    SafeguardingConcern,
    SafeguardingProfile,
    SafeguardingReferral,
)


class SafeguardingConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingConcern

    raised_on = datetime.date(2026, 10, 2)
    raised_by = "Designated Doctor"
    description = "Synthetic concern for a test."
    abuse_or_neglect = False
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class SafeguardingReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingReferral

    concern = factory.SubFactory(SafeguardingConcernFactory)
    case = factory.SelfAttribute("concern.case")
    recipient = Recipient.PARTNERSHIP
    sent_on = datetime.date(2026, 10, 5)
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class SafeguardingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingProfile

    looked_after = True
    updated_at = factory.LazyFunction(timezone.now)
