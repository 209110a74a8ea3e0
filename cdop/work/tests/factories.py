"""Factories for tasks. Every value is synthetic."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cdop.cases.models import Task


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    area = factory.LazyAttribute(lambda o: o.case.area)
    title = factory.Sequence(lambda n: f"Synthetic task {n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
