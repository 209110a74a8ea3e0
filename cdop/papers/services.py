"""Publishing a meeting's papers, downloading them, and when they open to invitees."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cdop.accounts import permissions
from cdop.audit.services import audit_actor, audit_read
from cdop.core.errors import DomainError
from cdop.meetings.models import Meeting, MeetingStatus
from cdop.meetings.selectors import agenda_items_for
from cdop.papers import pdf as papers_pdf
from cdop.papers.anonymise import identifiers_join
from cdop.papers.models import PapersDownload, PapersPack, PapersSetting
from cdop.papers.selectors import agenda_fingerprint, papers_availability
from cdop.papers.summary import CaseSummary, case_summary

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.areas.models import Area

logger = logging.getLogger(__name__)
MAX_DAYS_BEFORE = 60
# How each case's section of the papers begins (templates/papers/pack.html).
CASE_SECTION = '<section class="case">'


@dataclass
class BuiltPack:
    html: str
    pdf: bytes
    summaries: list[CaseSummary]
    seconds: float
    timings: dict[str, float]


def papers_build(*, meeting: Meeting, by: User, published_at: datetime, version: int) -> BuiltPack:
    """The anonymised papers of the meeting as HTML and PDF, checked: refused if the text
    the PDF is made from still holds any identifier of its cases."""
    started = time.perf_counter()
    items = agenda_items_for(meeting=meeting)
    summaries = [case_summary(item=item, reader=by) for item in items]
    summarised = time.perf_counter()
    context = {
        "meeting": meeting,
        "area_name": meeting.area.name,
        "starts_at": timezone.localtime(meeting.starts_at),
        "summaries": summaries,
        "version": version,
        "published_at": timezone.localtime(published_at),
        "fonts": papers_pdf.FONTS,
    }
    html = render_to_string("papers/pack.html", context)
    # Each case's section against that case's identifiers, and the cover against them all.
    cover, *sections = html.split(CASE_SECTION)
    if len(sections) != len(summaries):  # the template and this check must agree
        raise DomainError("The papers could not be checked, so they were not published.")
    found = papers_pdf.html_identifiers_found(
        cover, identifiers_join(s.identifiers for s in summaries)
    )
    for section, summary in zip(sections, summaries, strict=True):
        found += papers_pdf.html_identifiers_found(section, summary.identifiers)
    if found:
        kinds = ", ".join(sorted(set(found)))
        raise DomainError(
            "The papers were not published: their final check still found identifying "
            f"details ({kinds}). Nothing has been published; please tell the platform's "
            "support team."
        )
    checked = time.perf_counter()
    pdf = papers_pdf.html_to_pdf(html)
    done = time.perf_counter()
    timings = {
        "summaries": summarised - started,
        "render and check": checked - summarised,
        "pdf": done - checked,
    }
    logger.info("Papers of meeting %s built: %s", meeting.pk, timings)
    return BuiltPack(
        html=html, pdf=pdf, summaries=summaries, seconds=done - started, timings=timings
    )


def papers_publish(*, meeting: Meeting, by: User) -> PapersPack:
    """Build, check and freeze the meeting's papers as a new version. Records who and when,
    and, against each case, that its anonymised summary went into the papers."""
    if not permissions.can_publish_papers(by, meeting):
        raise DomainError("Only the area's administrators and CDR managers publish papers.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("The meeting was cancelled, so its papers cannot be published.")
    now = timezone.now()
    latest = PapersPack.objects.filter(meeting=meeting).order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    if not meeting.items.exists():
        raise DomainError("Add at least one case to the agenda before publishing the papers.")
    built = papers_build(meeting=meeting, by=by, published_at=now, version=version)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        latest = PapersPack.objects.filter(meeting=meeting).order_by("-version").first()
        if latest is not None and latest.version >= version:
            raise DomainError(
                "Someone else published these papers a moment ago. Check the new version "
                "and republish if it is still needed."
            )
        with audit_actor(by):
            pack = PapersPack.objects.create(
                meeting=meeting,
                version=version,
                published_at=now,
                published_by=by,
                html=built.html,
                pdf=built.pdf,
                sha256=hashlib.sha256(built.pdf).hexdigest(),
                pages=papers_pdf.pdf_page_count(built.pdf),
                item_count=len(built.summaries),
                agenda_fingerprint=agenda_fingerprint(meeting=meeting),
                removed_by_check=sum(s.removed for s in built.summaries),
                build_seconds=built.seconds,
            )
            for item in agenda_items_for(meeting=meeting):
                LogEntry.objects.log_create(
                    item.case,
                    action=LogEntry.Action.ACCESS,
                    changes=None,
                    force_log=True,
                    additional_data={
                        **item.case.get_additional_data(),
                        "case": item.case.reference,
                        "export": "papers_pack",
                        "meeting": meeting.pk,
                        "papers_version": version,
                    },
                )
    return pack


@dataclass
class Download:
    pdf: bytes
    filename: str
    record: PapersDownload


def papers_download(*, meeting: Meeting, user: User) -> Download:
    """The newest papers with this reader's watermark; the download is recorded (a row and
    an audit entry: who, which meeting and version, when)."""
    from cdop.papers.selectors import papers_pack_for_download

    pack = papers_pack_for_download(meeting=meeting)
    availability = papers_availability(user=user, meeting=meeting, pack=pack)
    if pack is None or not availability.may_download:
        raise DomainError(availability.reason)
    now = timezone.now()
    stamped = papers_pdf.watermarked(
        bytes(pack.pdf), reader_name=user.full_name or user.email, at=now
    )
    with transaction.atomic(), audit_actor(user):
        record = PapersDownload.objects.create(pack=pack, meeting=meeting, user=user, at=now)
        audit_read(obj=pack)
    stamp = timezone.localtime(now).strftime("%Y-%m-%d")
    return Download(
        pdf=stamped,
        filename=f"papers-meeting-{meeting.pk}-v{pack.version}-{stamp}.pdf",
        record=record,
    )


def papers_setting_update(*, area: Area, by: User, days_before: int) -> PapersSetting:
    if not permissions.can_edit_papers_setting(by, area):
        raise DomainError("Only the area's administrators change when papers open.")
    if not 0 <= days_before <= MAX_DAYS_BEFORE:
        raise DomainError(
            f"Enter a number of days from 0 to {MAX_DAYS_BEFORE}", field="days_before"
        )
    with transaction.atomic(), audit_actor(by):
        setting, _ = PapersSetting.objects.select_for_update().get_or_create(area=area)
        setting.days_before = days_before
        setting.updated_by = by
        setting.updated_at = timezone.now()
        setting.save()
    return setting
