"""What a subject-access export holds about each kind of match, and the zip it is sent in.

The person is an adult the service holds data about in their own right: a professional who
notified a death, a member of the family, an agency contact, someone sent a secure link or
invited to a meeting. Their export holds their own details and the records of our dealings
with them (contacts with them, letters sent to them, what they wrote to us). It does not
hold the child's record (the child's details, medical and agency information, the review and
its analysis, safeguarding): that is other people's data, and a deceased child's record is
not theirs to have through a subject-access request. docs/retention.md says why.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cdop.core.crypto import index_of
from cdop.retention.selectors import KINDS, SubjectMatch, SubjectQuery

Section = dict[str, Any]


def _iso(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _record(**values: Any) -> dict[str, Any]:
    return {key: _iso(value) for key, value in values.items()}


def _notifier(pk: int) -> Section:
    from cdop.notifications.models import Notification

    n = Notification.objects.select_related("area").get(pk=pk)
    return {
        "title": f"You notified a child's death (notification {n.reference})",
        "details": _record(
            area=n.area.name,
            notification=n.reference,
            received_at=n.received_at,
            your_name=n.notifier_name,
            your_role=n.notifier_role,
            your_organisation=n.notifier_organisation,
            your_email=n.notifier_email,
            your_phone=n.notifier_phone,
            copy_downloaded_at=n.copy_downloaded_at,
        ),
        "records": [],
        "not_included": "What the notification says about the child and the family.",
    }


def _family_member(pk: int) -> Section:
    from cdop.actions.models import FamilyFeedback
    from cdop.family.models import FamilyContact, FamilyMember, FamilyProfile, Letter
    from cdop.familyvoice.models import FamilyVoiceEntry

    m = FamilyMember.objects.select_related("case", "case__area").get(pk=pk)
    case = m.case
    records: list[dict[str, Any]] = []
    profile = FamilyProfile.objects.filter(case=case).first()
    if profile is not None:
        records.append(
            {
                "kind": "How to be in touch with the family",
                **_record(
                    family_name=profile.family_name,
                    postal_address=profile.postal_address,
                    preferred_method=profile.get_preferred_method_display(),
                    preferred_time=profile.preferred_time,
                    language=profile.language,
                    interpreter_needed=profile.interpreter_needed,
                    bereavement_support=profile.get_bereavement_support_display(),
                    bereavement_support_what=profile.bereavement_support_what,
                    bereavement_support_by=profile.bereavement_support_by,
                    bereavement_support_on=profile.bereavement_support_on,
                ),
            }
        )
    name_words = {m.name.casefold(), m.relationship.casefold()} - {""}
    for contact in FamilyContact.objects.filter(case=case).order_by("at", "pk"):
        present = contact.family_members.casefold()
        if any(word in present for word in name_words):
            records.append(
                {
                    "kind": "Contact with you",
                    **_record(
                        at=contact.at,
                        method=contact.get_method_display(),
                        family_members_present=contact.family_members,
                        discussed=contact.discussed,
                        promised=contact.promised,
                    ),
                }
            )
    for letter in Letter.objects.filter(case=case).order_by("produced_at", "pk"):
        records.append(
            {
                "kind": "Letter sent to the family",
                **_record(
                    title=letter.title, letter=letter.get_kind_display(), sent=letter.produced_at
                ),
            }
        )
    for feedback in FamilyFeedback.objects.filter(case=case).order_by("told_on", "pk"):
        records.append(
            {
                "kind": "The family were told the outcome of the review",
                **_record(told_on=feedback.told_on, how=feedback.get_method_display()),
            }
        )
    if m.email:
        for entry in FamilyVoiceEntry.objects.filter(
            request__case=case, request__links__email_index=index_of("email", m.email)
        ).distinct():
            records.append(
                {
                    "kind": "What you wrote to the review",
                    **_record(
                        written_at=entry.written_at, what=entry.get_kind_display(), text=entry.text
                    ),
                }
            )
    return {
        "title": f"You as a member of the family (case {case.reference}, {case.area.name})",
        "details": _record(
            name=m.name,
            relationship=m.relationship,
            phone=m.phone,
            email=m.email,
            main_contact=m.main_contact,
            notes=m.notes,
        ),
        "records": records,
        "not_included": (
            "The child's record: the review, medical, agency and safeguarding information; "
            "other family members' details; the notes on the family's other needs (they are "
            "often about someone else: the area reviews them before any is disclosed)."
        ),
    }


def _agency_contact(pk: int) -> Section:
    from cdop.agencies.models import AgencyContact
    from cdop.agencyforms.models import FormRequest

    c = AgencyContact.objects.select_related("organisation", "organisation__area").get(pk=pk)
    records: list[dict[str, Any]] = []
    for request in (
        FormRequest.objects.filter(contact=c).select_related("case").order_by("requested_at")
    ):
        records.append(
            {
                "kind": "Reporting Form requested from you",
                **_record(
                    case=request.case.reference,
                    requested_at=request.requested_at,
                    due_on=request.due_on,
                    status=request.get_status_display(),
                    submitted_at=request.submitted_at,
                    reminders=[
                        _record(kind=chase.get_kind_display(), sent_at=chase.sent_at)
                        for chase in request.chases.order_by("sent_at", "pk")
                    ],
                ),
            }
        )
    return {
        "title": f"You as a contact at {c.organisation.name} ({c.organisation.area.name})",
        "details": _record(
            name=c.name,
            job_title=c.job_title,
            email=c.email,
            phone=c.phone,
            organisation=c.organisation.name,
            active=c.active,
        ),
        "records": records,
        "not_included": "The answers of the Reporting Forms (they are about the child).",
    }


def _secure_link(pk: int) -> Section:
    from cdop.securelinks.models import SecureLink

    link = SecureLink.objects.select_related("area").get(pk=pk)
    return {
        "title": f"A secure link sent to you ({link.get_purpose_display()})",
        "details": _record(
            email=link.email,
            area=link.area.name,
            purpose=link.get_purpose_display(),
            sent_at=link.created_at,
            expires_at=link.expires_at,
            withdrawn_at=link.revoked_at,
            last_opened_at=link.last_opened_at,
            times_opened=link.open_count,
            one_time_code_required=link.otp_required,
        ),
        "records": [],
        "not_included": "What the link opens (it is about the child).",
    }


def _invitee(pk: int) -> Section:
    from cdop.meetings.models import Invitee

    i = Invitee.objects.select_related("meeting", "meeting__area").get(pk=pk)
    return {
        "title": f"You were invited to {i.meeting.title}",
        "details": _record(
            name=i.name,
            email=i.email,
            organisation=i.organisation,
            role=i.role,
            sector=i.get_sector_display(),
            meeting=i.meeting.title,
            area=i.meeting.area.name,
            starts_at=i.meeting.starts_at,
            invited_at=i.invited_at,
            attendance=i.get_attendance_display(),
        ),
        "records": [],
        "not_included": "The meeting's agenda and papers (they are about the children reviewed).",
    }


BUILDERS: dict[str, Callable[[int], Section]] = {
    "notifier": _notifier,
    "family_member": _family_member,
    "agency_contact": _agency_contact,
    "secure_link": _secure_link,
    "invitee": _invitee,
}
assert set(BUILDERS) == set(KINDS)  # noqa: S101 - one builder for every kind of match


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(
            ", ".join(f"{_label(k)}: {_shown(v)}" for k, v in item.items())
            if isinstance(item, dict)
            else _shown(item)
            for item in value
        )
    return str(value)


def readable(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections with labels in words and values as text, for the summaries."""
    return [
        {
            "title": section["title"],
            "details": [(_label(k), _shown(v)) for k, v in section["details"].items()],
            "records": [
                {
                    "kind": record["kind"],
                    "rows": [(_label(k), _shown(v)) for k, v in record.items() if k != "kind"],
                }
                for record in section["records"]
            ],
            "not_included": section["not_included"],
        }
        for section in document["sections"]
    ]


def export_zip(
    *, query: SubjectQuery, matches: list[SubjectMatch], made_by: str
) -> tuple[bytes, dict[str, Any]]:
    """The zip (subject-access.json, summary.html, summary.txt) and its JSON document."""
    sections = []
    for match in matches:
        kind, _, pk = match.key.partition(":")
        section = BUILDERS[kind](int(pk))
        section["source"] = match.key
        sections.append(section)
    document: dict[str, Any] = {
        "subject": query.name,
        "searched_with": query.searched_with,
        "made_at": _iso(timezone.now()),
        "made_by": made_by,
        "sections": sections,
    }
    context = {"doc": document, "sections": readable(document)}
    text = render_to_string("retention/subject_access_summary.txt", context)
    html = render_to_string("retention/subject_access_summary.html", context)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "subject-access.json", json.dumps(document, indent=2, ensure_ascii=False, default=str)
        )
        archive.writestr("summary.html", html)
        archive.writestr("summary.txt", text)
    return buffer.getvalue(), document


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
