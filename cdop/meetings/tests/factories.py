"""Factories for meetings. Every value is synthetic."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cdop.core.tests.factories import AreaFactory, CaseFactory, UserFactory
from cdop.meetings.models import AgendaItem, Invitee, Meeting, MeetingKind, Sector


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    area = factory.SubFactory(AreaFactory)
    kind = MeetingKind.PANEL
    title = factory.Sequence(lambda n: f"Panel meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    place = "Room 1, Synthetic House"
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)


class InviteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitee

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"Invitee {n}")
    email = factory.Sequence(lambda n: f"invitee{n}@example.invalid")
    organisation = "Synthetic Organisation"
    sector = Sector.OTHER


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory)
    position = factory.Sequence(lambda n: n + 1)
