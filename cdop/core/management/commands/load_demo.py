"""Load synthetic demo data: one sign-in per role, and a few cases in every status.

Idempotent: a second run adds nothing. Refuses to run in production.
"""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cdop.accounts.models import Membership, Role, User
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.cases.workflow import OPEN
from cdop.notifications.models import Notification

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - synthetic demo accounts only

DEMO_USERS: list[tuple[str, str, str, str]] = [
    # email, name, role, area slug
    ("admin@demo.invalid", "Ada Administrator", Role.ADMINISTRATOR, "llr"),
    ("manager@demo.invalid", "Morgan Manager", Role.CDR_MANAGER, "llr"),
    ("doctor@demo.invalid", "Dr Devi Doctor", Role.DESIGNATED_DOCTOR, "llr"),
    ("keyworker@demo.invalid", "Kim Keyworker", Role.KEY_WORKER, "llr"),
    ("chair@demo.invalid", "Chris Chair", Role.PANEL_CHAIR, "llr"),
    ("member@demo.invalid", "Pat Member", Role.PANEL_MEMBER, "llr"),
    ("othermanager@demo.invalid", "Olu Otherarea", Role.CDR_MANAGER, "demo-shire"),
]


class Command(BaseCommand):
    help = "Load synthetic demo users and cases (idempotent), and print the demo sign-ins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=60, help="Synthetic cases for LLR")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        with transaction.atomic():
            Area.objects.get_or_create(
                slug="demo-shire",
                defaults={
                    "code": "DEMO",
                    "name": "Demo Shire (a second, synthetic area)",
                    "short_name": "Demo Shire",
                    "contact_email": "cdop@demo-shire.invalid",
                },
            )
            for email, name, role, slug in DEMO_USERS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
                Membership.objects.get_or_create(
                    user=user, area=Area.objects.get(slug=slug), role=role
                )
        llr = Area.objects.get(slug="llr")
        if not Case.objects.filter(area=llr).exists() and options["cases"] > 0:
            call_command(
                "generate_synthetic",
                cases=options["cases"],
                seed=2026,
                area="llr",
                notifications=8,
                verbosity=0,
            )
        _give_the_demo_key_worker_families(llr)
        # The panel's side of the demo (issue 6): analyses for the cases the panel has
        # reviewed, an upcoming panel of six cases, its papers, and actions. Each step adds
        # only what is missing, so a second run changes nothing.
        from cdop.actions.demo import load_demo as load_demo_actions
        from cdop.analysis.demo import load_demo as load_demo_analysis
        from cdop.dataquality.demo import demo_dataquality
        from cdop.learning.demo import demo_learning
        from cdop.meetings.demo import load_demo as load_demo_meetings
        from cdop.ncmd.demo import load_demo as load_demo_ncmd
        from cdop.papers.demo import load_demo as load_demo_papers
        from cdop.reporting.demo import demo_reporting

        for step in (
            load_demo_analysis,
            demo_reporting,  # ethnicity and council on the notifications, for the annual report
            load_demo_meetings,
            load_demo_papers,
            load_demo_actions,
            demo_learning,
            load_demo_ncmd,
            demo_dataquality,  # last: it scores every case as the steps above left it
        ):
            step(stdout=cast(TextIO, self.stdout))  # an OutputWrapper writes like one
        # The generated notifications waiting for triage were not sent through the form, so
        # the submit's background job never made an unexpected death's Joint Agency Response
        # tasks: made here, as that job makes them (once, however often this runs).
        from cdop.notifications.services import jar_tasks_create

        for pk in Notification.objects.filter(
            area=llr, status=Notification.Status.NEW, jar_required=True
        ).values_list("pk", flat=True):
            jar_tasks_create(notification_id=pk)
        self.stdout.write(self.style.SUCCESS("\nDemo sign-ins (synthetic data only):"))
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
        for email, _name, role, slug in DEMO_USERS:
            self.stdout.write(f"  {email:<28} {Role(role).label} ({slug})")
        self.stdout.write("  Each account sets up an authenticator app (TOTP) at first sign-in.\n")


DEMO_KEY_WORKER_CASES = 4


def _give_the_demo_key_worker_families(area: Area) -> None:
    """The demo key worker reads only the cases they support: give them a few open ones,
    with a first contact and the family's details, so the sign-in has something to show.
    Done once: a second run finds they already have cases."""
    import datetime

    from django.utils import timezone

    from cdop.family.services import (
        ContactDetails,
        case_assign_key_worker,
        family_contact_add,
        family_profile_update,
    )

    key_worker = User.objects.get(email="keyworker@demo.invalid")
    manager = User.objects.get(email="manager@demo.invalid")
    if Case.objects.filter(key_worker=key_worker).exists():
        return
    cases = Case.objects.filter(area=area, status__in=OPEN).order_by("opened_at", "pk")
    for number, case in enumerate(cases[:DEMO_KEY_WORKER_CASES]):
        case_assign_key_worker(case=case, by=manager, key_worker=key_worker, phone="0116 496 0123")
        family_profile_update(
            case=case,
            by=key_worker,
            values={
                "family_name": f"Sam and Alex {case.child_last_name}",
                "preferred_method": "phone",
                "preferred_time": "Weekday mornings",
            },
        )
        family_contact_add(
            case=case,
            by=key_worker,
            details=ContactDetails(
                at=timezone.now() - datetime.timedelta(days=3 + number),
                staff=key_worker,
                family_members="Parents",
                method="phone",
                discussed="Introduced myself and explained what the review is for.",
                promised="Send the first letter and call again next week.",
                # One of them is overdue, so the work lists have something to show.
                next_contact_due=timezone.localdate()
                + datetime.timedelta(days=7 - 9 * (number == 0)),
            ),
        )
