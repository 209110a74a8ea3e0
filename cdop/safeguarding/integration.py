"""How safeguarding shows on the case: a section and chronology entries, both only for the
people who may see safeguarding records (others see no trace of them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from cdop.accounts import permissions
from cdop.chronology.registry import Entry, Kind
from cdop.safeguarding.selectors import safeguarding_for_case
from cdop.safeguarding.services import day_start

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.accounts.models import User
    from cdop.cases.models import Case

CHRONOLOGY_KINDS = [Kind("safeguarding", "Safeguarding")]


def section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    if not permissions.can_view_safeguarding(request.user, case):
        return None
    found = safeguarding_for_case(case=case)
    return {"found": found, "referrals": sum(len(view.referrals) for view in found.concerns)}


def chronology_entries(user: User, case: Case) -> Iterable[Entry]:
    if not permissions.can_view_safeguarding(user, case):
        return []
    url = reverse("safeguarding:overview", kwargs={"reference": case.reference})
    found = safeguarding_for_case(case=case)
    entries: list[Entry] = []

    def add(day: Any, title: str, detail: str = "") -> None:
        if day is not None:
            entries.append(
                Entry(at=day_start(day), kind="safeguarding", title=title, detail=detail, url=url)
            )

    for view in found.concerns:
        concern = view.concern
        add(
            concern.raised_on,
            f"Safeguarding concern raised by {concern.raised_by}",
            concern.description,
        )
        add(concern.closed_on, "Safeguarding concern closed", concern.outcome)
        for referral in view.referrals:
            add(referral.sent_on, f"Referral sent to the {referral.get_recipient_display()}")
            add(referral.decision_on, "Decision on the referral", referral.decision)
    if found.profile is not None and found.profile.ofsted_notified_on is not None:
        add(
            found.profile.ofsted_notified_on,
            "Death of a looked-after child notified to Ofsted and the Secretary of State",
            f"By {found.profile.ofsted_notified_by}",
        )
    return entries
