"""Reading the family's words for staff. Only words the family has sent are shown:
until they press send, what they write is theirs to change or remove."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cdop.familyvoice.models import FamilyVoiceEntry, FamilyVoiceRequest
from cdop.securelinks.models import SecureLink
from cdop.securelinks.selectors import LinkRow, securelink_rows

if TYPE_CHECKING:
    from cdop.cases.models import Case


@dataclass
class RequestView:
    request: FamilyVoiceRequest
    questions: list[FamilyVoiceEntry] = field(default_factory=list)
    views: list[FamilyVoiceEntry] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        if self.request.submitted_at is not None:
            return "Sent by the family"
        if any(row.status == "active" for row in self.links):
            return "Link sent, waiting for the family"
        return "Link no longer works"

    @property
    def live_link(self) -> LinkRow | None:
        return next((row for row in self.links if row.status == "active"), None)


def family_voice_requests_for(*, case: Case) -> list[RequestView]:
    """Every request for the case, newest first, with its links and the words the family
    has sent (three queries whatever the case holds)."""
    requests = list(
        FamilyVoiceRequest.objects.filter(case=case)
        .select_related("sent_by")
        .order_by("-sent_at", "-pk")
    )
    views = {r.pk: RequestView(request=r) for r in requests}
    sent_ids = [r.pk for r in requests if r.submitted_at is not None]
    for entry in FamilyVoiceEntry.objects.filter(request_id__in=sent_ids).order_by("pk"):
        view = views[entry.request_id]
        (view.questions if entry.kind == "question" else view.views).append(entry)
    links = SecureLink.objects.filter(family_voice_request__case=case).order_by(
        "-created_at", "-pk"
    )
    for row in securelink_rows(list(links)):
        views[row.link.family_voice_request_id].links.append(row)  # type: ignore[index]
    return list(views.values())


def family_voice_request_get(*, case: Case, pk: int) -> FamilyVoiceRequest | None:
    return FamilyVoiceRequest.objects.filter(case=case, pk=pk).first()
