"""Recording safeguarding concerns, referrals and the looked-after flag, and running the
serious incident clocks.

The clocks (domain.md §4, Working Together 2023): where abuse or neglect is known or
suspected, the Child Safeguarding Practice Review Panel must be notified within 5 working
days of becoming aware of the incident, and the rapid review sent to it within 15 working
days. Both count from the day the concern was raised (when we became aware) and stop on the
day the matching referral is recorded as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.clocks.models import Clock
from cdop.clocks.selectors import clock_settings_for_area
from cdop.clocks.services import clock_start, clock_stop
from cdop.clocks.working_days import add_working_days
from cdop.core.errors import DomainError
from cdop.safeguarding import rules
from cdop.safeguarding.models import (
    Recipient,
    SafeguardingConcern,
    SafeguardingProfile,
    SafeguardingReferral,
)


@dataclass(frozen=True)
class ClockRule:
    kind: str
    label: str
    stopped_by: Recipient
    setting: str  # the area's own timescale, in clocks.ClockSettings


CLOCK_RULES = (
    ClockRule(
        "safeguarding_5wd",
        "Notify the Child Safeguarding Practice Review Panel (within {days} working days)",
        Recipient.SERIOUS_INCIDENT,
        "safeguarding_notify_working_days",
    ),
    ClockRule(
        "safeguarding_15wd",
        "Send the rapid review to the national panel (within {days} working days)",
        Recipient.RAPID_REVIEW,
        "safeguarding_rapid_review_working_days",
    ),
)
CLOCK_KINDS = tuple(rule.kind for rule in CLOCK_RULES)
if frozenset(CLOCK_KINDS) != permissions.SAFEGUARDING_CLOCK_KINDS:  # pragma: no cover
    raise ImportError("permissions.SAFEGUARDING_CLOCK_KINDS must name every safeguarding clock.")

CONCERN_FIELDS = (
    "raised_on",
    "raised_by",
    "description",
    "abuse_or_neglect",
    "outcome",
    "closed_on",
)
REFERRAL_FIELDS = ("recipient", "sent_on", "sent_by", "decision", "decision_on", "reply")
PROFILE_FIELDS = ("looked_after", "ofsted_notified_on", "ofsted_notified_by", "ofsted_reference")


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def day_end(day: date) -> datetime:
    """A clock due on a day is met by anything done that day."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def clock_source(concern: SafeguardingConcern) -> str:
    return f"concern:{concern.pk}"


def _refuse(errors: rules.Errors) -> None:
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)


def _allowed(by: User, case: Case) -> None:
    if not permissions.can_view_safeguarding(by, case):
        raise Http404


def _values(
    values: Mapping[str, Any], fields: tuple[str, ...], model: type[models.Model]
) -> dict[str, Any]:
    """The fields of the record from `values`; one left out takes the model's default."""
    clean = {}
    for name in fields:
        field = cast(models.Field, model._meta.get_field(name))
        clean[name] = values[name] if name in values else field.get_default()
    return clean


def _working_days(case: Case, rule: ClockRule) -> int:
    """The area's own timescale for this clock (domain.md's default until changed)."""
    return int(getattr(clock_settings_for_area(area_id=case.area_id), rule.setting))


def _clocks_sync(concern: SafeguardingConcern) -> None:
    """Start, stop or withdraw the concern's serious incident clocks to match its records."""
    source = clock_source(concern)
    if not concern.abuse_or_neglect:
        # Marked by mistake: a clock that never applied is withdrawn, not shown as met.
        Clock.objects.filter(case=concern.case, kind__in=CLOCK_KINDS, source=source).delete()
        return
    # The earliest referral of each kind stops its clock (later ones are read last).
    sent = dict(concern.referrals.order_by("-sent_on").values_list("recipient", "sent_on"))
    started = day_start(concern.raised_on)
    running = {
        clock.kind: clock
        for clock in Clock.objects.filter(case=concern.case, kind__in=CLOCK_KINDS, source=source)
    }
    for rule in CLOCK_RULES:
        existing = running.get(rule.kind)
        if existing is not None and existing.started_at == started:
            # A clock keeps the due date it was started with, even if the area's timescale
            # has changed since.
            due, label = existing.due_at, existing.label
        else:
            days = _working_days(concern.case, rule)
            due = day_end(add_working_days(concern.raised_on, days))
            label = rule.label.format(days=days)
        clock_start(
            case=concern.case,
            kind=rule.kind,
            label=label,
            started_at=started,
            due_at=due,
            source=source,
        )
        if rule.stopped_by in sent:
            clock_stop(
                case=concern.case,
                kind=rule.kind,
                at=day_start(sent[rule.stopped_by]),
                source=source,
            )


def concern_record(*, case: Case, by: User, values: Mapping[str, Any]) -> SafeguardingConcern:
    """Record a safeguarding concern; if abuse or neglect is known or suspected, the serious
    incident clocks start from the day it was raised."""
    with audit_actor(by), transaction.atomic():
        _allowed(by, case)
        clean = _values(values, CONCERN_FIELDS, SafeguardingConcern)
        _refuse(
            rules.check_concern(clean, born=case.child_date_of_birth, today=timezone.localdate())
        )
        concern = SafeguardingConcern.objects.create(
            case=case, recorded_by=by, recorded_at=timezone.now(), **clean
        )
        _clocks_sync(concern)
        return concern


def concern_update(
    *, concern: SafeguardingConcern, by: User, values: Mapping[str, Any]
) -> SafeguardingConcern:
    with audit_actor(by), transaction.atomic():
        locked = (
            SafeguardingConcern.objects.select_for_update()
            .select_related("case")
            .get(pk=concern.pk)
        )
        _allowed(by, locked.case)
        clean = _values(values, CONCERN_FIELDS, SafeguardingConcern)
        today = timezone.localdate()
        errors = rules.check_concern(clean, born=locked.case.child_date_of_birth, today=today)
        errors.update(
            rules.check_unflagging(
                abuse_or_neglect=clean["abuse_or_neglect"],
                serious_referrals=locked.referrals.filter(
                    recipient__in=rules.SERIOUS_INCIDENT_RECIPIENTS
                ).count(),
            )
        )
        first_sent = locked.referrals.order_by("sent_on").values_list("sent_on", flat=True).first()
        if first_sent is not None and clean["raised_on"] and clean["raised_on"] > first_sent:
            errors.setdefault(
                "raised_on",
                "The date the concern was raised must be on or before the date of its first "
                "referral",
            )
        _refuse(errors)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
        _clocks_sync(locked)
        return locked


def referral_record(
    *, concern: SafeguardingConcern, by: User, values: Mapping[str, Any]
) -> SafeguardingReferral:
    """Record a referral sent about the concern; a serious incident notification or rapid
    review stops its clock."""
    with audit_actor(by), transaction.atomic():
        locked = (
            SafeguardingConcern.objects.select_for_update()
            .select_related("case")
            .get(pk=concern.pk)
        )
        _allowed(by, locked.case)
        clean = _values(values, REFERRAL_FIELDS, SafeguardingReferral)
        _refuse(
            rules.check_referral(
                clean,
                raised_on=locked.raised_on,
                abuse_or_neglect=locked.abuse_or_neglect,
                today=timezone.localdate(),
            )
        )
        referral = SafeguardingReferral.objects.create(
            case=locked.case, concern=locked, recorded_by=by, recorded_at=timezone.now(), **clean
        )
        _clocks_sync(locked)
        return referral


def referral_update(
    *, referral: SafeguardingReferral, by: User, values: Mapping[str, Any]
) -> SafeguardingReferral:
    with audit_actor(by), transaction.atomic():
        concern = (
            SafeguardingConcern.objects.select_for_update()
            .select_related("case")
            .get(pk=referral.concern_id)
        )
        _allowed(by, concern.case)
        locked = SafeguardingReferral.objects.select_for_update().get(pk=referral.pk)
        clean = _values(values, REFERRAL_FIELDS, SafeguardingReferral)
        _refuse(
            rules.check_referral(
                clean,
                raised_on=concern.raised_on,
                abuse_or_neglect=concern.abuse_or_neglect,
                today=timezone.localdate(),
            )
        )
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
        _clocks_sync(concern)
        return locked


def profile_update(*, case: Case, by: User, values: Mapping[str, Any]) -> SafeguardingProfile:
    """Set the looked-after flag and the Ofsted / Secretary of State notification."""
    with audit_actor(by), transaction.atomic():
        _allowed(by, case)
        clean = _values(values, PROFILE_FIELDS, SafeguardingProfile)
        _refuse(rules.check_profile(clean, died=case.date_of_death, today=timezone.localdate()))
        locked = Case.objects.select_for_update().get(pk=case.pk)  # one profile, made once
        profile = SafeguardingProfile.objects.filter(case=locked).first()
        if profile is None:
            profile = SafeguardingProfile(case=locked)
        for name, value in clean.items():
            setattr(profile, name, value)
        profile.updated_at = timezone.now()
        profile.save()
        return profile
