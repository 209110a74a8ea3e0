"""A case whose child and family have names nobody else has, written all through its
learning, so that a page can be searched for them. Every detail is synthetic."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from cdop.actions.tests.factories import ActionFactory
from cdop.analysis.models import Recommendation
from cdop.analysis.tests.factories import category, complete_analysis
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.tests.factories import NotificationFactory, UserFactory
from cdop.investigations.tests.helpers import opened_case
from cdop.learning.models import CaseTheme, Theme
from cdop.notifications.models import Notification

FIRST = "Zephyrine"
LAST = "Quillfeather"
MOTHER = "Marigold"
NHS = "9994713582"
POSTCODE = "LE2 7QQ"
STREET = "Tumbleweed Lane"
BORN = datetime.date(2025, 2, 14)
# Everything that must never reach a page that anonymises (checked as written here).
IDENTIFIERS = (FIRST, LAST, MOTHER, NHS, "999 471 3582", POSTCODE, STREET, "14/02/2025")


def identifiable_case(area: Any, *, status: str = Status.FINALISED, **overrides: Any) -> Case:
    values: dict[str, Any] = {
        "area": area,
        "status": status,
        "child_first_name": FIRST,
        "child_last_name": LAST,
        "child_nhs_number": NHS,
        "child_postcode": POSTCODE,
        "child_date_of_birth": BORN,
        "date_of_death": datetime.date(2025, 8, 3),
    }
    values.update(overrides)
    case = opened_case(**values)
    NotificationFactory(
        area=area,
        case=case,
        status=Notification.Status.CASE_OPENED,
        child_first_name=FIRST,
        child_last_name=LAST,
        child_nhs_number=NHS,
        child_postcode=POSTCODE,
        child_date_of_birth=BORN,
        date_of_death=case.date_of_death,
        child_address=f"14 {STREET}, Leicester {POSTCODE}",
        parental_responsibility=f"{MOTHER} {LAST} (mother)",
    )
    by = UserFactory()
    analysis = complete_analysis(
        case=case,
        by=by,
        category=category("sudden_unexpected_unexplained"),
        learning_points=(
            f"{FIRST} {LAST} was found in an adult bed at 14 {STREET}. {MOTHER} had not been "
            f"given safe sleep advice. Born 14/02/2025, NHS number 999 471 3582, {POSTCODE}."
        ),
    )
    Recommendation.objects.create(
        analysis=analysis, position=2, text=f"Health visitors to repeat advice to {MOTHER}."
    )
    ActionFactory(
        case=case,
        description=f"Check that {MOTHER} {LAST}'s health visitor records safe sleep advice.",
        created_by=by,
    )
    return case


def tag(case: Case, slug: str, *, by: Any = None, note: str = "") -> CaseTheme:
    theme = Theme.objects.get(slug=slug, area__isnull=True)
    return CaseTheme.objects.create(
        case=case,
        theme=theme,
        area=case.area,
        tagged_by=by or UserFactory(),
        tagged_at=timezone.now(),
        note=note,
    )
