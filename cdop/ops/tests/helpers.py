"""A notification's details as the public form would send them (all synthetic)."""

from __future__ import annotations

import datetime

from cdop.cases.models import Expectedness, Sex
from cdop.notifications.services import NotificationDetails


def synthetic_details(n: int) -> NotificationDetails:
    return NotificationDetails(
        child_first_name="Amelia",
        child_last_name=f"Opstest{n}",
        child_date_of_birth=datetime.date(2025, 3, 14),
        child_sex=Sex.FEMALE,
        child_nhs_number="9990000018",
        child_postcode="LE1 5WW",
        date_of_death=datetime.date(2026, 11, 20),
        expectedness=Expectedness.UNEXPECTED,
        circumstances="Synthetic circumstances for an operations test.",
        notifier_name="Sam Notifier",
        notifier_role="Paediatric registrar",
        notifier_organisation="Synthetic Hospitals NHS Trust",
        notifier_email="sam.notifier@example.invalid",
        notifier_phone="0116 496 0000",
    )
