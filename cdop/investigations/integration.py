"""How events show on the case: the case page section and the chronology entries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.chronology.registry import Entry, Kind
from cdop.investigations import selectors
from cdop.investigations.kinds import KINDS
from cdop.investigations.presenters import event_dates, event_summary

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.accounts.models import User
    from cdop.cases.models import Case

CHRONOLOGY_KINDS = [
    Kind("coroner", "Coroner"),
    Kind("post_mortem", "Post-mortem"),
    Kind("inquest", "Inquest"),
    Kind("medical_examiner", "Medical Examiner"),
]


def section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    events = selectors.events_for_case(case=case)
    return {
        "rows": [
            (kind, [(event, event_summary(event)) for event in events[slug]])
            for slug, kind in KINDS.items()
        ],
        "blockers": selectors.investigation_blockers([case.pk]).get(case.pk, []),
        "can_work": permissions.can_work_on_case(request.user, case),
    }


def chronology_entries(user: User, case: Case) -> Iterable[Entry]:
    url = reverse("investigations:list", kwargs={"reference": case.reference})
    for slug, found in selectors.events_for_case(case=case).items():
        kind = slug.replace("-", "_")
        for event in found:
            for day, title, detail in event_dates(event):
                yield Entry(
                    at=timezone.make_aware(datetime.combine(day, time.min)),
                    kind=kind,
                    title=title,
                    detail=detail,
                    url=url,
                    extra=(("Recorded by", str(event.recorded_by)),),
                )
