"""Demo actions: a few, in different statuses, on demo cases the panel has reviewed; one of
them overdue. Idempotent: a second run finds them and adds nothing. Synthetic words only."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from cdop.accounts.models import User
from cdop.actions.models import Action, ActionStatus, ActionStatusChange
from cdop.agencies.models import Organisation
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.cases.workflow import Status

MANAGER = "manager@demo.invalid"
# description, theme, owner organisation (demo directory) or name, days from today due,
# status, evidence or reason
DEMO_ACTIONS: list[tuple[str, str, str, int, str, str]] = [
    (
        "Repeat safe sleep advice at every health visitor contact in the first year, and "
        "record that it was given.",
        "Safe sleep",
        "Demo Hospitals NHS Trust",
        45,
        ActionStatus.OPEN,
        "",
    ),
    (
        "Audit how quickly sepsis screening is started for children arriving at the "
        "emergency department, and share the results with the panel.",
        "Sepsis",
        "Demo Hospitals NHS Trust",
        -10,  # overdue
        ActionStatus.IN_PROGRESS,
        "",
    ),
    (
        "Add water safety to the summer term assemblies in primary schools.",
        "Water safety",
        "Demo Primary School",
        -30,
        ActionStatus.DONE,
        "Assemblies held in all primary schools in June; the lesson plan is on the "
        "partnership's website.",
    ),
    (
        "Write to the housing provider about window restrictors in temporary accommodation.",
        "Home safety",
        "Demo Housing Association",
        20,
        ActionStatus.DROPPED,
        "Replaced by the partnership's wider review of temporary accommodation.",
    ),
]


def load_demo(*, stdout: TextIO) -> None:
    area = Area.objects.filter(slug="llr").first()
    manager = User.objects.filter(email=MANAGER).first()
    if area is None or manager is None:
        stdout.write("Demo actions: no demo area or manager yet, nothing added.\n")
        return
    if Action.objects.filter(area=area, created_by=manager).exists():
        stdout.write("Demo actions: already loaded.\n")
        return
    cases = list(
        Case.objects.filter(
            area=area, status__in=[Status.PANEL_REVIEWED, Status.FINALISED]
        ).order_by("pk")[: len(DEMO_ACTIONS)]
    )
    if not cases:
        stdout.write("Demo actions: no reviewed demo cases, nothing added.\n")
        return
    organisations = dict(Organisation.objects.filter(area=area).values_list("name", "pk"))
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        for number, (description, theme, owner, days, status, words) in enumerate(DEMO_ACTIONS):
            case = cases[number % len(cases)]
            organisation_id = organisations.get(owner)
            closed = status in (ActionStatus.DONE, ActionStatus.DROPPED)
            action = Action.objects.create(
                case=case,
                area=area,
                description=description,
                category=theme,
                owner_organisation_id=organisation_id,
                owner_name="" if organisation_id else owner,
                owner_email="actions@demo-partner.invalid",
                due_on=today + datetime.timedelta(days=days),
                status=status,
                evidence=words if status == ActionStatus.DONE else "",
                closed_on=today - datetime.timedelta(days=2) if closed else None,
                created_at=now - datetime.timedelta(days=60),
                created_by=manager,
                updated_at=now,
            )
            ActionStatusChange.objects.create(
                action=action,
                to_status=ActionStatus.OPEN,
                by=manager,
                at=action.created_at,
                reason="Agreed at the panel",
            )
            if status != ActionStatus.OPEN:
                ActionStatusChange.objects.create(
                    action=action,
                    from_status=ActionStatus.OPEN,
                    to_status=status,
                    by=manager,
                    at=now - datetime.timedelta(days=2),
                    reason=words if status == ActionStatus.DROPPED else "",
                )
    stdout.write(f"Demo actions: {len(DEMO_ACTIONS)} added on {len(cases)} reviewed cases.\n")
