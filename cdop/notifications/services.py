from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from cdop.areas.models import Area
from cdop.cases.models import Expectedness, Task
from cdop.core.db import write_turn
from cdop.core.kept import kept_forget_area
from cdop.core.ratelimit import RateLimit
from cdop.notifications import jar
from cdop.notifications.models import ApiClient, Notification, NotificationDraft
from cdop.notifications.reference import (
    Ethnicity,
    NhsNumberStatus,
    PlaceOfDeath,
    ResidenceStatus,
    YesNoNotKnown,
)

logger = logging.getLogger(__name__)

# Crockford's alphabet: no I, L, O or U, so a reference read out on the phone is unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def notification_reference_new(choose: Callable[[str], str] = secrets.choice) -> str:
    """A reference like NTF-7K3Q-9XPA. `choose` picks each character (a seeded one for
    synthetic data)."""
    chars = "".join(choose(_ALPHABET) for _ in range(8))
    return f"NTF-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True, kw_only=True)
class NotificationDetails:
    """Everything a notifier tells us: the national Notification Form data set.

    The answers the short notification always had are required; the rest default to blank
    or "not known", so a sender with less to say (such as an API client) can leave them out.
    """

    child_first_name: str
    child_last_name: str
    child_date_of_birth: date
    child_sex: str
    child_nhs_number: str
    child_postcode: str
    date_of_death: date
    expectedness: str
    circumstances: str
    notifier_name: str
    notifier_role: str
    notifier_organisation: str
    notifier_email: str
    notifier_phone: str

    child_other_names: str = ""
    child_ethnicity: str = Ethnicity.NOT_KNOWN
    nhs_number_status: str = NhsNumberStatus.GIVEN
    child_address: str = ""
    gp_practice: str = ""
    time_of_death: time | None = None
    place_of_death: str = PlaceOfDeath.NOT_KNOWN
    place_of_death_detail: str = ""
    post_mortem: str = YesNoNotKnown.NOT_KNOWN
    coroner_informed: str = YesNoNotKnown.NOT_KNOWN
    ncmd_alert: bool = False
    ncmd_alert_reason: str = ""
    parental_responsibility: str = ""
    other_children: str = ""
    carer_at_time: str = ""
    professionals_involved: str = ""


@dataclass(frozen=True, kw_only=True)
class _Residence:
    status: str = ResidenceStatus.UNKNOWN
    lower_code: str = ""
    upper_code: str = ""
    area: Area | None = None


def _residence_decide(*, postcode: str, home_area: Area) -> _Residence:
    """Where the child lived, from the postcode (cdop.areas.residence). A lookup that is not
    possible leaves it "unknown" for a person to decide: it never stops a notification."""
    if not postcode:
        return _Residence()
    try:
        from cdop.areas.residence import residence_decide  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # the residence module is being built alongside this one
        return _Residence()
    try:
        decision = residence_decide(postcode=postcode, home_area=home_area)
    except Exception:
        logger.exception("Residence lookup failed; left for a person to decide")
        return _Residence()
    return _Residence(
        status=decision.status,
        lower_code=decision.lower_code or "",
        upper_code=decision.upper_code or "",
        area=decision.area,
    )


def jar_tasks_create(*, notification_id: int) -> list[Task]:
    """The Joint Agency Response tasks of an unexpected death, due from its receipt.

    Run by the notification's background job (cdop.notifications.tasks), which is queued in
    the notification's own transaction, so it cannot be lost. Makes them once, however often
    it runs, and on the case if one was opened from the notification in the meantime.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .only("pk", "area_id", "case_id", "received_at", "jar_required")
            .get(pk=notification_id)
        )
        if not notification.jar_required:
            return []
        if Task.objects.filter(notification_id=notification.pk, rule=jar.RULE).exists():
            return []
        kept_forget_area(notification.area_id)  # bulk_create sends no signals
        return Task.objects.bulk_create(
            Task(
                area_id=notification.area_id,
                case_id=notification.case_id,
                notification_id=notification.pk,
                title=rule.title,
                detail=rule.detail,
                rule=jar.RULE,
                due_at=notification.received_at + rule.due_after,
                assigned_role=rule.assigned_role,
            )
            for rule in jar.jar_rules()
        )


@cache
def _audited_fields() -> tuple[tuple[str, str], ...]:
    """(name, attribute) of the notification's fields its audit entry records: all but those
    the audit registry leaves out (cdop/audit/registry.py)."""
    excluded = set(auditlog.get_model_fields(Notification)["exclude_fields"] or ())
    return tuple(
        (field.name, field.attname)
        for field in Notification._meta.concrete_fields
        if field.name not in excluded
    )


def _audit_created(notification: Notification) -> None:
    """The audit entry of a new notification: who, when, and every field as stored.

    auditlog's own entry for a create compares each of the ~55 fields with "nothing" through
    its general diff; a new record has nothing to compare with, so the fields are written
    out directly, in the same form ({"field": ["None", "value"]}), on the same LogEntry.
    """
    changes = {
        name: ["None", str(value)]
        for name, attname in _audited_fields()
        if (value := getattr(notification, attname)) is not None
    }
    LogEntry.objects.log_create(notification, action=LogEntry.Action.CREATE, changes=changes)


def _notification_by_token(submission_token: uuid.UUID) -> Notification | None:
    # The id alone first (cheap), the whole row only when found.
    found = (
        Notification.objects.filter(submission_token=submission_token)
        .order_by()
        .values_list("pk", flat=True)[:1]
    )
    pk = next(iter(found), None)
    return None if pk is None else Notification.objects.get(pk=pk)


def notification_submit(
    *,
    area: Area,
    submission_token: uuid.UUID,
    details: NotificationDetails,
    api_client: ApiClient | None = None,
    draft: NotificationDraft | None = None,
    rate_limit: RateLimit | None = None,
) -> tuple[Notification, bool]:
    """Store a notification from the public form or the API; (notification, created).

    The token makes the submit idempotent: a double click, a retry after a time-out or a
    resubmit after the back button returns the notification already stored. With the
    notification go its residence decision, its audit entry, the deletion of the `draft` it
    was sent from, and one background job (queued in the same transaction, so a crash after
    the commit cannot lose it) that makes the Joint Agency Response tasks of an unexpected
    death and sends the team alert and the notifier's confirmation.

    `rate_limit`, when given, is counted inside the same transaction (over the limit:
    Ratelimited, and nothing is stored or counted). Everything that only reads is done
    before the transaction, so that on SQLite the one write lock is held for the writes alone.
    """
    # No look-up of the token first: almost every submit is new, and a repeat is caught by
    # the token's unique key below, at the price of one failed insert.
    residence = _residence_decide(postcode=details.child_postcode, home_area=area)
    # Not dataclasses.asdict, which deep-copies every value (~0.4 ms here).
    values = {field.name: getattr(details, field.name) for field in fields(details)}
    for _ in range(5):
        notification = Notification(
            area=area,
            reference=notification_reference_new(),
            submission_token=submission_token,
            received_at=timezone.now(),
            api_client=api_client,
            residence_status=residence.status,
            residence_lower_code=residence.lower_code,
            residence_upper_code=residence.upper_code,
            residence_area=residence.area,
            jar_required=details.expectedness == Expectedness.UNEXPECTED,
            **values,
        )
        try:
            with write_turn(), transaction.atomic():
                # bulk_create sends no signals, so auditlog writes no entry of its own: the
                # entry is _audit_created's. It also skips save()'s machinery (~0.3 ms).
                Notification.objects.bulk_create([notification])
                # No signals either: the area's kept figures (a death awaiting triage, the
                # year's notifications) are forgotten here.
                kept_forget_area(notification.area_id)
                _audit_created(notification)
                _acknowledge_enqueue(notification.pk)
                if draft is not None:
                    notification_draft_delete(draft=draft)
                if rate_limit is not None:
                    # Last, so that on PostgreSQL the counter's row (one per address: a
                    # hospital behind one address shares it) is locked only until the commit.
                    rate_limit.count()
        except IntegrityError:
            existing = _notification_by_token(submission_token)
            if existing is not None:
                return existing, False
            continue  # a reference collision: draw again
        return notification, True
    raise RuntimeError("Could not allocate a notification reference")


def notification_hours_since_death(notification: Notification) -> float | None:
    """Hours from the death to the notification's receipt: the 24-hour clock of domain.md §4.

    Uses the time of death when it was given, else midday of the date of death (so an
    unknown time is at most 12 hours out). Negative if the times given are inconsistent.
    """
    if notification.date_of_death is None or notification.received_at is None:
        return None
    at = notification.time_of_death or time(12, 0)
    died = timezone.make_aware(datetime.combine(notification.date_of_death, at))
    return (notification.received_at - died).total_seconds() / 3600


def notification_copy_claim(*, notification_id: int) -> bool:
    """Mark the one PDF copy of a notification as downloaded; False if it already was."""
    claimed = Notification.objects.filter(
        pk=notification_id, copy_downloaded_at__isnull=True
    ).update(copy_downloaded_at=timezone.now())
    return claimed == 1


# --- Drafts: the answers of a notification not yet sent ------------------------------------

DRAFT_LIFETIME = timedelta(days=1)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def notification_draft_get_public(*, key: str, area_slug: str) -> NotificationDraft | None:
    """The draft a browser's key opens, with its area, when that is the area in the address
    and open to the public: the area and the draft in one query. An expired draft is deleted
    when found, so personal details are not kept beyond the day."""
    if not key:
        return None
    draft = (
        NotificationDraft.objects.select_related("area")
        .filter(key_hash=_key_hash(key), area__slug=area_slug, area__is_active=True)
        .order_by()[:1]
    )
    found = next(iter(draft), None)
    if found is None:
        return None
    if found.expires_at <= timezone.now():
        found.delete()
        return None
    return found


def notification_draft_start(*, area: Area) -> tuple[NotificationDraft, str]:
    """A new, empty draft and the key for the browser's cookie (only its hash is stored)."""
    notification_drafts_delete_expired()
    key = secrets.token_urlsafe(32)
    draft = NotificationDraft.objects.create(
        area=area, key_hash=_key_hash(key), expires_at=timezone.now() + DRAFT_LIFETIME
    )
    return draft, key


def notification_draft_save_page(
    *,
    draft: NotificationDraft,
    page: str,
    answers: dict[str, str],
    cleaned: dict[str, Any] | None = None,
    spam: bool = False,
) -> NotificationDraft:
    """Keep one page's answers, as they were posted and, when the page was valid, as its
    form cleaned them."""
    draft.data = {**draft.data, page: answers}
    remaining = {k: v for k, v in draft.cleaned.items() if k != page}
    if cleaned is not None:
        remaining[page] = json.loads(json.dumps(cleaned, cls=DjangoJSONEncoder))
    draft.cleaned = remaining
    draft.is_spam = draft.is_spam or spam
    draft.save(update_fields=["data", "cleaned", "is_spam", "updated_at"])
    return draft


def notification_draft_delete(*, draft: NotificationDraft) -> None:
    NotificationDraft.objects.filter(pk=draft.pk).delete()


def notification_drafts_delete_expired() -> int:
    deleted, _ = NotificationDraft.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def _acknowledge_enqueue(notification_id: int) -> None:
    from cdop.notifications.tasks import notification_acknowledge

    notification_acknowledge.enqueue(notification_id=notification_id)
