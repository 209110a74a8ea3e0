"""Issuing, checking and spending secure links (writes).

A link's token is 32 random bytes (secrets.token_urlsafe); only its SHA-256 is stored, so a
copy of the database opens nothing. A token is looked up by its hash through the unique
index, then compared with hmac.compare_digest against the stored hash (or against a dummy
when nothing was found), so a check costs the same whether the token never existed,
expired, was revoked or was used.

The optional one-time code is six digits, kept as an HMAC keyed with SECRET_KEY and the
link (a bare SHA-256 of six digits could be reversed in a moment), lasts
SECURE_LINK_OTP_MINUTES, and locks the link after SECURE_LINK_OTP_ATTEMPTS wrong tries: the
team then sends a new link.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cdop.audit.services import audit_actor, audit_read
from cdop.core.errors import DomainError
from cdop.securelinks.models import SecureLink

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.agencyforms.models import FormRequest
    from cdop.areas.models import Area
    from cdop.familyvoice.models import FamilyVoiceRequest

security_log = logging.getLogger("cdop.security")

# A token longer than this is not one of ours; cut it before hashing so the work is bounded.
TOKEN_MAX_LENGTH = 100
# Compared against when no link has the hash, so a miss does the same work as a hit.
_DUMMY_HASH = "0" * 64


def setting_days(purpose: str) -> int:
    """How long a new link works: agencies get weeks, families months (their own pace)."""
    if purpose == SecureLink.Purpose.FAMILY_VOICE:
        return int(getattr(settings, "SECURE_LINK_FAMILY_DAYS", 90))
    return int(getattr(settings, "SECURE_LINK_AGENCY_DAYS", 30))


def otp_minutes() -> int:
    return int(getattr(settings, "SECURE_LINK_OTP_MINUTES", 10))


def otp_attempts_allowed() -> int:
    return int(getattr(settings, "SECURE_LINK_OTP_ATTEMPTS", 5))


def token_hash(token: str) -> str:
    return hashlib.sha256(token[:TOKEN_MAX_LENGTH].encode()).hexdigest()


def _otp_hash(link: SecureLink, code: str) -> str:
    return salted_hmac("cdop.securelinks.otp", f"{link.pk}:{code}", algorithm="sha256").hexdigest()


# --- Issuing ---------------------------------------------------------------------------------


def securelink_issue(
    *,
    purpose: str,
    email: str,
    area: Area,
    created_by: User | None,
    expires_at: datetime.datetime,
    form_request: FormRequest | None = None,
    family_voice_request: FamilyVoiceRequest | None = None,
    otp_required: bool = False,
) -> str:
    """Make a link and return its token, which is never stored: put it in the email and
    forget it. The link opens exactly the one request given (a database constraint)."""
    token = secrets.token_urlsafe(32)
    link = SecureLink(
        purpose=purpose,
        token_hash=token_hash(token),
        email=email,
        area=area,
        form_request=form_request,
        family_voice_request=family_voice_request,
        created_at=timezone.now(),
        created_by=created_by,
        expires_at=expires_at,
        otp_required=otp_required,
    )
    if created_by is not None:
        with audit_actor(created_by), transaction.atomic():
            link.save()
    else:
        with transaction.atomic():
            link.save()
    return token


def securelink_expiry(*, purpose: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """The default end of a new link of this purpose (SECURE_LINK_AGENCY_DAYS/_FAMILY_DAYS)."""
    return (now or timezone.now()) + datetime.timedelta(days=setting_days(purpose))


def securelink_url(token: str) -> str:
    """The address to put in the email: the landing page, which swaps the token for a
    session and redirects, so the token leaves the address bar at once."""
    return settings.SITE_URL.rstrip("/") + reverse("securelinks:land", args=[token])


def securelink_revoke(*, link: SecureLink, by: User) -> None:
    """Stop the link working at once (a session already open on it stops at its next page)."""
    with audit_actor(by), transaction.atomic():
        locked = SecureLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    link.revoked_at = locked.revoked_at


def securelink_mark_used(*, link: SecureLink) -> None:
    """What the link opens was submitted: it no longer opens anything. Called inside the
    submitting service's transaction, so a failed submit leaves the link working."""
    with transaction.atomic():
        locked = SecureLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is None:
            locked.used_at = timezone.now()
            locked.save(update_fields=["used_at"])
    link.used_at = locked.used_at


def securelinks_revoke_for(
    *,
    by: User,
    form_request: FormRequest | None = None,
    family_voice_request: FamilyVoiceRequest | None = None,
) -> int:
    """Revoke every live link of one request (before a new one is sent, or on withdrawal)."""
    links = SecureLink.objects.filter(revoked_at__isnull=True, used_at__isnull=True)
    if form_request is not None:
        links = links.filter(form_request=form_request)
    elif family_voice_request is not None:
        links = links.filter(family_voice_request=family_voice_request)
    else:
        return 0
    count = 0
    for link in links:
        securelink_revoke(link=link, by=by)
        count += 1
    return count


# --- Checking --------------------------------------------------------------------------------


def securelink_is_live(link: SecureLink, *, now: datetime.datetime | None = None) -> bool:
    """Opens its request: not expired, revoked, used or locked by wrong codes."""
    at = now or timezone.now()
    return (
        link.revoked_at is None
        and link.used_at is None
        and link.expires_at > at
        and link.otp_attempts < otp_attempts_allowed()
    )


def securelink_check(*, token: str) -> SecureLink | None:
    """The live link a token opens, or None for any token that does not work.

    The same work is done for every token: one hash, one look-up by the unique index, one
    constant-time comparison. Callers show one page for every None, so an answer never
    tells a guesser whether a token, a request or a case ever existed."""
    wanted = token_hash(token)
    link = SecureLink.objects.filter(token_hash=wanted).first()
    matches = hmac.compare_digest(link.token_hash if link else _DUMMY_HASH, wanted)
    if link is None or not matches or not securelink_is_live(link):
        return None
    return link


def securelink_log_failure(*, token: str, address: str, reason: str = "not working") -> None:
    """A token that does not work has no record to hang an audit entry on: log it for the
    security log (never the token itself; a short prefix of its hash to group repeats)."""
    security_log.warning(
        "Secure link refused (%s) from %s, token hash prefix %s",
        reason,
        address or "unknown address",
        token_hash(token)[:12],
    )


def securelink_open(*, link: SecureLink) -> None:
    """Count a successful opening and record it in the audit log (an ACCESS entry on the
    link, with the address from the request's audit context). The first opening of an
    agency's link also marks its request as first opened."""
    now = timezone.now()
    SecureLink.objects.filter(pk=link.pk).update(open_count=F("open_count") + 1, last_opened_at=now)
    link.open_count += 1
    link.last_opened_at = now
    audit_read(obj=link)
    if link.form_request_id is not None:
        from cdop.agencyforms.models import FormRequest

        FormRequest.objects.filter(pk=link.form_request_id, first_opened_at__isnull=True).update(
            first_opened_at=now
        )


# --- The one-time code ----------------------------------------------------------------------


def securelink_otp_live(link: SecureLink, *, now: datetime.datetime | None = None) -> bool:
    at = now or timezone.now()
    return bool(link.otp_hash) and link.otp_expires_at is not None and link.otp_expires_at > at


def securelink_otp_send(*, link: SecureLink) -> bool:
    """Send a fresh six-digit code to the link's email (replacing any earlier code).
    Wrong tries are not reset: a new code is not a new set of guesses."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        locked = SecureLink.objects.select_for_update().get(pk=link.pk)
        if not securelink_is_live(locked):
            raise DomainError("This link does not work any more.")
        locked.otp_hash = _otp_hash(locked, code)
        locked.otp_expires_at = timezone.now() + datetime.timedelta(minutes=otp_minutes())
        locked.save(update_fields=["otp_hash", "otp_expires_at"])
    link.otp_hash = locked.otp_hash
    link.otp_expires_at = locked.otp_expires_at
    try:
        send_mail(
            subject="Your security code",
            message=(
                f"Your security code is {code}\n\n"
                f"It works for {otp_minutes()} minutes. Type it on the page that asked for "
                "it.\n\n"
                "If you did not ask for a code, you can ignore this email."
            ),
            from_email=None,
            recipient_list=[link.email],
        )
    except (smtplib.SMTPException, OSError):
        security_log.exception("Could not email a one-time code for secure link %s", link.pk)
        return False
    return True


class OtpResult:
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"


def securelink_otp_verify(*, link: SecureLink, code: str) -> str:
    """Check a typed code: OtpResult.OK, WRONG (one try fewer), EXPIRED or LOCKED.
    The code works once: a right code is cleared."""
    cleaned = "".join(code.split())
    with transaction.atomic():
        locked = SecureLink.objects.select_for_update().get(pk=link.pk)
        if not securelink_is_live(locked):
            result = OtpResult.LOCKED
        elif not securelink_otp_live(locked):
            result = OtpResult.EXPIRED
        elif hmac.compare_digest(locked.otp_hash, _otp_hash(locked, cleaned)):
            locked.otp_hash = ""
            locked.otp_expires_at = None
            locked.save(update_fields=["otp_hash", "otp_expires_at"])
            result = OtpResult.OK
        else:
            locked.otp_attempts += 1
            locked.save(update_fields=["otp_attempts"])
            result = (
                OtpResult.LOCKED
                if locked.otp_attempts >= otp_attempts_allowed()
                else OtpResult.WRONG
            )
    link.otp_attempts = locked.otp_attempts
    link.otp_hash = locked.otp_hash
    link.otp_expires_at = locked.otp_expires_at
    if result != OtpResult.OK:
        security_log.warning("Secure link %s: one-time code %s", link.pk, result)
    return result
