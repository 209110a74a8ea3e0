"""The family's own words: sending them a link (staff) and what they write (through it).

The family's pages act through the secure link only: every service below that a family
calls takes the link, and reaches the request through it, so nothing typed into an
address can reach another family's words.
"""

from __future__ import annotations

import logging
import smtplib
from functools import partial
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cdop.audit.services import audit_actor
from cdop.cases.workflow import CLOSED
from cdop.core.errors import DomainError
from cdop.familyvoice.models import FamilyVoiceEntry, FamilyVoiceRequest
from cdop.securelinks import services as links
from cdop.securelinks.models import SecureLink

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.areas.models import Area
    from cdop.cases.models import Case

logger = logging.getLogger(__name__)

KIND_QUESTION = "question"
KIND_VIEW = "view"
KINDS = (KIND_QUESTION, KIND_VIEW)
# Far more than any family writes; it stops a leaked link being used to fill the database.
MAX_ENTRIES = 200


def family_voice_open_request(*, case: Case) -> FamilyVoiceRequest | None:
    """The request the family can still write on (sent, not yet sent back), if any."""
    return (
        FamilyVoiceRequest.objects.filter(case=case, submitted_at__isnull=True)
        .order_by("-sent_at", "-pk")
        .first()
    )


def family_voice_send(
    *, case: Case, by: User, email: str, agreement_recorded: str, otp_required: bool = False
) -> FamilyVoiceRequest:
    """Email the family a link to write their words, with their agreement recorded.

    Sending again while the family has not yet sent their words replaces the link (the old
    one stops working) and keeps what they have written. After they have sent, a new
    request starts, for anything more they want to say."""
    if case.status in CLOSED:
        raise DomainError(
            "This case is closed, so the family's words can no longer reach the review. "
            "Talk to the family instead."
        )
    now = timezone.now()
    with audit_actor(by), transaction.atomic():
        request = (
            FamilyVoiceRequest.objects.select_for_update()
            .filter(case=case, submitted_at__isnull=True)
            .order_by("-sent_at", "-pk")
            .first()
        )
        if request is None:
            request = FamilyVoiceRequest.objects.create(
                case=case, sent_by=by, sent_at=now, agreement_recorded=agreement_recorded
            )
        else:
            links.securelinks_revoke_for(by=by, family_voice_request=request)
            request.sent_by = by
            request.sent_at = now
            request.agreement_recorded = agreement_recorded
            request.save(update_fields=["sent_by", "sent_at", "agreement_recorded"])
        token = links.securelink_issue(
            purpose=SecureLink.Purpose.FAMILY_VOICE,
            email=email,
            area=case.area,
            created_by=by,
            expires_at=links.securelink_expiry(purpose=SecureLink.Purpose.FAMILY_VOICE, now=now),
            family_voice_request=request,
            otp_required=otp_required,
        )
        # Sent from here once committed, not through the task queue: a queued job would
        # keep the token in the database, and only its hash may be stored.
        transaction.on_commit(partial(_email_link, email=email, token=token, area=case.area, by=by))
    return request


def _email_link(*, email: str, token: str, area: Area, by: User) -> None:
    days = links.setting_days(SecureLink.Purpose.FAMILY_VOICE)
    contact = " or ".join(x for x in (area.contact_email, area.contact_phone) if x)
    try:
        send_mail(
            subject="A place to write your words for the review",
            message=(
                "Hello,\n\n"
                f"{by.get_short_name()} from the {area.name} child death review team has "
                "sent you this link, as you agreed.\n\n"
                "It opens a private page where you can write, in your own words and in your "
                "own time, any questions you have and anything you want the review to know. "
                "You can save what you write and come back to it through the same link. "
                "Nothing is sent to the team until you choose to send it.\n\n"
                f"{links.securelink_url(token)}\n\n"
                f"The link works for {days} days. Please do not forward this email: the link "
                "is just for you.\n\n"
                "If the link does not work, or you would rather talk to someone, contact the "
                "team" + (f" at {contact}" if contact else "") + ".\n\n"
                "This email contains no personal details on purpose."
            ),
            from_email=None,
            recipient_list=[email],
        )
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not email the family's link")


def family_voice_revoke(*, request: FamilyVoiceRequest, by: User) -> int:
    """Stop the family's link working (what they wrote is kept)."""
    with audit_actor(by), transaction.atomic():
        return links.securelinks_revoke_for(by=by, family_voice_request=request)


# --- Through the family's link --------------------------------------------------------------


def _request_for(link: SecureLink, *, lock: bool = False) -> FamilyVoiceRequest:
    requests = FamilyVoiceRequest.objects.all()
    if lock:
        requests = requests.select_for_update()
    if link.family_voice_request_id is None:  # an agency's link never reaches here
        raise DomainError("This link is not for the family's words.")
    request = requests.get(pk=link.family_voice_request_id)
    if request.submitted_at is not None:
        raise DomainError("You have already sent your words to the review team.")
    return request


def family_voice_entries(*, link: SecureLink) -> list[FamilyVoiceEntry]:
    """What this family has written on this request, in the order they began each piece
    (a change does not move it), and only theirs."""
    return list(
        FamilyVoiceEntry.objects.filter(request_id=link.family_voice_request_id).order_by("pk")
    )


def family_voice_entry_get(*, link: SecureLink, pk: int) -> FamilyVoiceEntry | None:
    """One of this family's own entries; None for anyone else's (the same as no entry)."""
    return FamilyVoiceEntry.objects.filter(request_id=link.family_voice_request_id, pk=pk).first()


def family_voice_entry_add(*, link: SecureLink, kind: str, text: str) -> FamilyVoiceEntry:
    if kind not in KINDS:
        raise DomainError("Choose whether this is a question or something you want us to know.")
    with transaction.atomic():
        request = _request_for(link, lock=True)
        if FamilyVoiceEntry.objects.filter(request=request).count() >= MAX_ENTRIES:
            raise DomainError(
                "You have written a lot here already, so we cannot add more pieces. Add to "
                "one you have written, or send what you have and tell your key worker"
            )
        return FamilyVoiceEntry.objects.create(
            request=request, kind=kind, text=text.strip(), written_at=timezone.now()
        )


def family_voice_entry_change(*, link: SecureLink, entry: FamilyVoiceEntry, text: str) -> None:
    with transaction.atomic():
        request = _request_for(link, lock=True)
        if entry.request_id != request.pk:
            raise DomainError("You can only change what you wrote.")
        entry.text = text.strip()
        entry.written_at = timezone.now()
        entry.save(update_fields=["text", "written_at"])


def family_voice_entry_remove(*, link: SecureLink, entry: FamilyVoiceEntry) -> None:
    with transaction.atomic():
        request = _request_for(link, lock=True)
        if entry.request_id != request.pk:
            raise DomainError("You can only remove what you wrote.")
        entry.delete()


def family_voice_submit(*, link: SecureLink) -> FamilyVoiceRequest:
    """Send the family's words to the team: final, and the link is used up."""
    with transaction.atomic():
        request = _request_for(link, lock=True)
        if not FamilyVoiceEntry.objects.filter(request=request).exists():
            raise DomainError(
                "Write at least one question, or something you want the review to know, "
                "before you send"
            )
        request.submitted_at = timezone.now()
        request.save(update_fields=["submitted_at"])
        links.securelink_mark_used(link=link)
    return request
