"""The family's words on the case chronology: links sent and withdrawn, words sent.
Two queries whatever the case holds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows
from cdop.familyvoice.models import FamilyVoiceEntry, FamilyVoiceRequest
from cdop.securelinks.models import SecureLink

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

KINDS = [Kind(key="family_voice", label="The family's own words")]


def family_voice_chronology(user: User, case: Case) -> Iterable[Entry]:
    url = reverse("familyvoice:overview", kwargs={"reference": case.reference})
    links = compiled_rows(
        "chronology.family_voice_links",
        lambda case_id: SecureLink.objects.filter(
            family_voice_request__case_id=case_id
        ).select_related("created_by"),
        case.pk,
    )
    for link in links:
        yield Entry(
            at=link.created_at,
            kind="family_voice",
            title="Link sent to the family for their own words",
            by=str(link.created_by) if link.created_by else "",
            url=url,
        )
        if link.revoked_at is not None and link.used_at is None:
            yield Entry(
                at=link.revoked_at,
                kind="family_voice",
                title="The family's link was withdrawn or replaced",
                url=url,
            )
    sent = compiled_rows(
        "chronology.family_voice_sent",
        lambda case_id: FamilyVoiceRequest.objects.filter(
            case_id=case_id, submitted_at__isnull=False
        ),
        case.pk,
    )
    counts: dict[int, dict[str, int]] = {}
    entries = compiled_rows(
        "chronology.family_voice_entries",
        lambda case_id: FamilyVoiceEntry.objects.filter(
            request__case_id=case_id, request__submitted_at__isnull=False
        ).values_list("request_id", "kind"),
        case.pk,
    )
    for request_id, kind in entries:
        counts.setdefault(request_id, {"question": 0, "view": 0})[kind] += 1
    for request in sent:
        n = counts.get(request.pk, {"question": 0, "view": 0})
        assert request.submitted_at is not None  # noqa: S101 - filtered above
        yield Entry(
            at=request.submitted_at,
            kind="family_voice",
            title="The family sent their own words for the review",
            detail=(
                f"{n['question']} question{'s' if n['question'] != 1 else ''} and "
                f"{n['view']} piece{'s' if n['view'] != 1 else ''} of what they want the "
                "review to know"
            ),
            url=url,
        )
