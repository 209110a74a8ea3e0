"""Factories for the family's records. Every value is synthetic."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cdop.core.tests.factories import CaseFactory, UserFactory
from cdop.family.models import (
    DateToAvoid,
    FamilyContact,
    FamilyMember,
    FamilyProfile,
    FamilyQuestion,
)


class FamilyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyContact

    case = factory.SubFactory(CaseFactory)
    at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    staff = factory.SubFactory(UserFactory)
    family_members = "Mum (Sarah)"
    method = "phone"
    discussed = "Talked about how the review works."
    recorded_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SelfAttribute("staff")


class FamilyProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyProfile

    case = factory.SubFactory(CaseFactory)
    family_name = "Sarah and James Example"
    postal_address = "1 Example Street\nLeicester\nLE1 5WW"
    updated_at = factory.LazyFunction(timezone.now)
    updated_by = factory.SubFactory(UserFactory)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    case = factory.SubFactory(CaseFactory)
    name = "Sarah Example"
    relationship = "Mother"
    phone = "0116 496 0001"


class DateToAvoidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DateToAvoid

    case = factory.SubFactory(CaseFactory)
    description = "Oliver's birthday"
    date = datetime.date(2024, 6, 1)


class FamilyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyQuestion

    case = factory.SubFactory(CaseFactory)
    text = "Could anything have been done differently at the hospital?"
    recorded_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(UserFactory)
