"""Load synthetic demo data: one sign-in per role, and a few cases in every status.

Idempotent: a second run adds nothing. Refuses to run in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cdop.accounts.models import Membership, Role, User
from cdop.areas.models import Area
from cdop.cases.models import Case

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
        self.stdout.write(self.style.SUCCESS("\nDemo sign-ins (synthetic data only):"))
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
        for email, _name, role, slug in DEMO_USERS:
            self.stdout.write(f"  {email:<28} {Role(role).label} ({slug})")
        self.stdout.write("  Each account sets up an authenticator app (TOTP) at first sign-in.\n")
