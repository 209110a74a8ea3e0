"""Factories for actions and the meetings they come from. Every value is synthetic."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from cdop.actions.models import Action, ActionStatus, ActionStatusChange
from cdop.agencies.models import Organisation
from cdop.cases.models import Case
from cdop.core.tests.factories import UserFactory
from cdop.meetings.models import AgendaItem, Invitee, Meeting


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Synthetic Health Trust {n}")
    kind = Organisation.Kind.HEALTH_TRUST


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    area = factory.SelfAttribute("case.area")
    description = "Review the safe sleep advice given on discharge from the neonatal unit."
    category = "Safe sleep"
    owner_name = "Synthetic Maternity Services"
    owner_email = "actions@maternity.invalid"
    due_on = datetime.date(2027, 6, 30)
    status = ActionStatus.OPEN
    created_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)
    updated_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def history(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            ActionStatusChange.objects.create(
                action=self, to_status=ActionStatus.OPEN, by=self.created_by, at=self.created_at
            )


def meeting_with_item(*, case: Case, chair: Any = None, member: Any = None) -> AgendaItem:
    """A panel meeting of the case's area with the case on its agenda; the chair and member
    invited (with their accounts) when given."""
    meeting = Meeting.objects.create(
        area=case.area,
        kind="panel",
        title="Panel, March 2027",
        starts_at=timezone.now(),
        created_by=UserFactory(),
        created_at=timezone.now(),
    )
    for user, sector in ((chair, "chair"), (member, "health")):
        if user is not None:
            Invitee.objects.create(
                meeting=meeting, user=user, name=user.full_name, email=user.email, sector=sector
            )
    return AgendaItem.objects.create(meeting=meeting, case=case, position=3)
