"""Reading secure links (for staff pages and for the link holder's session)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from cdop.securelinks.models import SecureLink
from cdop.securelinks.services import otp_attempts_allowed

if TYPE_CHECKING:
    from cdop.agencyforms.models import FormRequest
    from cdop.familyvoice.models import FamilyVoiceRequest


class LinkStatus:
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"
    LOCKED = "locked"


STATUS_LABELS = {
    LinkStatus.ACTIVE: "Working",
    LinkStatus.EXPIRED: "Expired",
    LinkStatus.REVOKED: "Withdrawn",
    LinkStatus.USED: "Used (form sent)",
    LinkStatus.LOCKED: "Locked (too many wrong codes)",
}


def securelink_status(*, link: SecureLink, now: datetime.datetime | None = None) -> str:
    """One word for staff: used and revoked first (they are final), then locked, expired."""
    at = now or timezone.now()
    if link.used_at is not None:
        return LinkStatus.USED
    if link.revoked_at is not None:
        return LinkStatus.REVOKED
    if link.otp_attempts >= otp_attempts_allowed():
        return LinkStatus.LOCKED
    if link.expires_at <= at:
        return LinkStatus.EXPIRED
    return LinkStatus.ACTIVE


@dataclass(frozen=True)
class LinkRow:
    link: SecureLink
    status: str
    status_label: str


def securelink_rows(links: list[SecureLink]) -> list[LinkRow]:
    now = timezone.now()
    rows = []
    for link in links:
        status = securelink_status(link=link, now=now)
        rows.append(LinkRow(link=link, status=status, status_label=STATUS_LABELS[status]))
    return rows


def securelinks_for_form_request(*, form_request: FormRequest) -> list[LinkRow]:
    """Every link sent for one request, newest first, with its status (one query)."""
    links = SecureLink.objects.filter(form_request=form_request).select_related("created_by")
    return securelink_rows(list(links.order_by("-created_at", "-pk")))


def securelinks_for_family_voice_request(
    *, family_voice_request: FamilyVoiceRequest
) -> list[LinkRow]:
    links = SecureLink.objects.filter(family_voice_request=family_voice_request).select_related(
        "created_by"
    )
    return securelink_rows(list(links.order_by("-created_at", "-pk")))
