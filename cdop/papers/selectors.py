"""Reading a meeting's papers: whether they are published, when they open to the reader,
who has downloaded them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from cdop.accounts import permissions
from cdop.meetings.models import AgendaItem, Meeting, MeetingStatus
from cdop.meetings.selectors import meeting_get_for_user
from cdop.papers.models import DEFAULT_DAYS_BEFORE, PapersDownload, PapersPack, PapersSetting

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cdop.accounts.models import User


def papers_meeting_get_for_user(*, user: User | AnonymousUser, meeting_id: int) -> Meeting:
    """The meeting, or 404 for anyone who may not read it (an invitee with an account, or a
    case reader of its area)."""
    return meeting_get_for_user(user=user, meeting_id=meeting_id)


def papers_days_before(*, area_id: int) -> int:
    days = PapersSetting.objects.filter(area_id=area_id).values_list("days_before", flat=True)
    found = days.first()
    return DEFAULT_DAYS_BEFORE if found is None else int(found)


def papers_open_at(*, meeting: Meeting, days_before: int | None = None) -> datetime:
    """When the invitees may first read the papers: the start of the day, so many days
    before the meeting."""
    if days_before is None:
        days_before = papers_days_before(area_id=meeting.area_id)
    day = timezone.localdate(meeting.starts_at) - timedelta(days=days_before)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def papers_pack_latest(*, meeting: Meeting) -> PapersPack | None:
    """The newest publication, without its HTML and PDF (the page needs neither)."""
    return (
        PapersPack.objects.filter(meeting=meeting)
        .select_related("published_by")
        .defer("html", "pdf")
        .order_by("-version")
        .first()
    )


def papers_pack_for_download(*, meeting: Meeting) -> PapersPack | None:
    return (
        PapersPack.objects.filter(meeting=meeting)
        .select_related("meeting")
        .defer("html")
        .order_by("-version")
        .first()
    )


@dataclass
class Availability:
    may_download: bool
    opens_at: datetime | None  # for an invitee before the papers open
    reason: str  # why not, in words, when may_download is False


def papers_availability(
    *,
    user: User | AnonymousUser,
    meeting: Meeting,
    pack: PapersPack | None,
    days_before: int | None = None,
) -> Availability:
    """Whether this reader may download the papers now, and if not, why (or when)."""
    if pack is None:
        return Availability(False, None, "The papers have not been published yet.")
    if permissions.can_read_papers_any_time(user, meeting):
        return Availability(True, None, "")
    if meeting.status == MeetingStatus.CANCELLED:
        return Availability(False, None, "The meeting was cancelled.")
    opens_at = papers_open_at(meeting=meeting, days_before=days_before)
    if timezone.now() < opens_at:
        return Availability(
            False,
            opens_at,
            f"The papers will be available from {timezone.localtime(opens_at):%-d %B %Y}.",
        )
    return Availability(True, None, "")


def agenda_fingerprint(*, meeting: Meeting) -> str:
    """What the agenda is (which cases, in which order, with which triage), as a hash."""
    rows = AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk")
    values = rows.values_list("pk", "case_id", "position", "triage", "triage_reason")
    return hashlib.sha256(repr(list(values)).encode()).hexdigest()


def papers_downloads_for(*, meeting: Meeting, limit: int = 100) -> list[PapersDownload]:
    return list(
        PapersDownload.objects.filter(meeting=meeting)
        .select_related("user", "pack")
        .defer("pack__html", "pack__pdf")
        .order_by("-at", "-pk")[:limit]
    )
