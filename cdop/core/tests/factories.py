"""Factories for tests, benchmarks and demos. Every value is synthetic."""

from __future__ import annotations

import datetime
import uuid

import factory
from django.utils import timezone

from cdop.accounts.models import Membership, Role, User
from cdop.areas.models import Area
from cdop.cases.models import Case, Expectedness, Sex
from cdop.cases.workflow import Status
from cdop.notifications.models import Notification

# Valid by Modulus 11, and in the 999 range that is never issued to a real person.
SYNTHETIC_NHS_NUMBERS = ["9990000018", "9990000026", "9990000034", "9990000042", "9990000050"]


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"area-{n}")
    code = factory.Sequence(lambda n: f"A{n:03d}")
    name = factory.Sequence(lambda n: f"Synthetic Area {n}")
    short_name = factory.Sequence(lambda n: f"Area {n}")
    contact_email = "team@area.invalid"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.invalid")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.django.Password("correct-horse-battery-staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    area = factory.SubFactory(AreaFactory)
    role = Role.CDR_MANAGER


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    area = factory.SubFactory(AreaFactory)
    reference = factory.Sequence(lambda n: f"NTF-TEST-{n:04d}")
    submission_token = factory.LazyFunction(uuid.uuid4)
    received_at = factory.LazyFunction(timezone.now)
    child_first_name = "Amelia"
    child_last_name = factory.Sequence(lambda n: f"Testchild{n}")
    child_date_of_birth = datetime.date(2025, 3, 14)
    child_sex = Sex.FEMALE
    child_nhs_number = "9990000018"
    child_postcode = "LE1 5WW"
    date_of_death = datetime.date(2026, 11, 20)
    expectedness = Expectedness.UNEXPECTED
    circumstances = "Synthetic circumstances for a test."
    notifier_name = "Sam Notifier"
    notifier_role = "Paediatric registrar"
    notifier_organisation = "Synthetic Hospitals NHS Trust"
    notifier_email = "sam.notifier@example.invalid"
    notifier_phone = "0116 496 0000"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    area = factory.SubFactory(AreaFactory)
    reference = factory.Sequence(lambda n: f"TST-2026-{n:04d}")
    status = Status.NOTIFIED
    status_changed_at = factory.LazyFunction(timezone.now)
    child_first_name = "Oliver"
    child_last_name = factory.Sequence(lambda n: f"Testcase{n}")
    child_date_of_birth = datetime.date(2024, 6, 1)
    child_sex = Sex.MALE
    child_nhs_number = "9990000026"
    child_postcode = "LE3 0AA"
    date_of_death = datetime.date(2026, 10, 1)
    expectedness = Expectedness.EXPECTED
    opened_at = factory.LazyFunction(timezone.now)
    finalised_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Status.FINALISED else None
    )
