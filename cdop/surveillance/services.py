"""Writes of the surveillance app: the audit entry of a dashboard read, and the daily check
that emails an area's CDR managers when a group turns red.

The email carries figures only (the group, the counts, the chance) and a link to the
dashboard: no child, no case reference, no date of death. An email can go astray.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from cdop.accounts.models import Membership, Role, User
from cdop.areas.models import Area
from cdop.audit.services import audit_actor, audit_read
from cdop.surveillance import rules, selectors, stats
from cdop.surveillance.models import SignalAlert
from cdop.surveillance.selectors import GroupSignal, Period


def surveillance_read_audit(
    *,
    user: User,
    area: Area,
    window_days: int,
    years: int,
    group: str = "",
    records: Sequence[models.Model] = (),
) -> None:
    """One "viewed" entry on the area for a read of its dashboard (figures only), saying what
    was asked for; and, for the deaths behind a signal, one "viewed" entry for each case or
    notification listed."""
    data: dict[str, object] = {
        "area_id": area.pk,
        "surveillance": {"window_days": window_days, "years": years, "group": group},
    }
    with audit_actor(user), transaction.atomic():
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Area),
            object_pk=str(area.pk),
            object_id=area.pk,
            object_repr=f"Surveillance of {area.short_name}"[:200],
            action=LogEntry.Action.ACCESS,
            actor=user,
            additional_data=data,
        )
        for record in records:
            audit_read(obj=record)


def dashboard_url(*, area: Area, window_days: int) -> str:
    return (
        settings.SITE_URL.rstrip("/")
        + reverse("surveillance:index")
        + f"?area={area.slug}&window={window_days}"
    )


def _email_text(*, area: Area, signal: GroupSignal, period: Period) -> str:
    until = dateformat.format(period.today, "j F Y")
    link = dashboard_url(area=area, window_days=period.window_days)
    return (
        "Hello,\n\n"
        f"The child death surveillance check for {area.name} found an unusual count "
        f"on {until}:\n\n"
        f"{signal.group.label}\n" + "\n".join(signal.words) + "\n\n"
        "Deaths are counted by their date of death; the most recent may not all be notified "
        "yet, so the count can still rise.\n\n"
        f"See the dashboard, and the deaths behind it: {link}\n\n"
        "This email contains no details of any child on purpose. Do not reply with case "
        "details by email. You are sent it as a Child Death Review Manager of the area; it is "
        f"sent once for this group in any {period.window_days} days."
    )


def _managers(area: Area) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                area=area, role=Role.CDR_MANAGER, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def _alerted_recently(*, area: Area, group: str, period: Period) -> bool:
    """An alert for this group and window length whose window still overlaps today's."""
    return SignalAlert.objects.filter(
        area=area,
        group=group,
        window_days=period.window_days,
        window_end__gte=period.window_start,
        window_end__lte=period.today,
    ).exists()


def signal_alert_send(*, area: Area, signal: GroupSignal, period: Period) -> SignalAlert | None:
    """Record and send one red signal's alert, unless one was sent within the window; the row
    comes first, so that of two checks running at once only one sends."""
    if signal.level != stats.Level.RED or signal.expected is None or signal.p_value is None:
        return None
    recipients = _managers(area)
    if not recipients:
        return None
    try:
        with transaction.atomic():
            if _alerted_recently(area=area, group=signal.group.code, period=period):
                return None
            alert = SignalAlert.objects.create(
                area=area,
                group=signal.group.code,
                window_days=period.window_days,
                window_end=period.today,
                observed=signal.observed,
                expected=signal.expected,
                p_value=signal.p_value,
                history_days=period.history_days,
                recipients=len(recipients),
                sent_at=timezone.now(),
            )
            send_mail(
                subject=(
                    f"Child death surveillance: an unusual count in {area.short_name} "
                    f"({signal.group.label})"
                ),
                message=_email_text(area=area, signal=signal, period=period),
                from_email=None,
                recipient_list=recipients,
            )
    except IntegrityError:
        return None  # another check sent it a moment ago
    return alert


@dataclass
class CheckResult:
    areas: int = 0
    red: list[tuple[str, str]] = field(default_factory=list)  # (area slug, group code)
    sent: list[SignalAlert] = field(default_factory=list)
    no_history: list[str] = field(default_factory=list)


def surveillance_check(
    *,
    window_days: int = rules.DEFAULT_WINDOW_DAYS,
    years: int = rules.DEFAULT_HISTORY_YEARS,
    today: datetime.date | None = None,
    area_slug: str | None = None,
) -> CheckResult:
    """One pass over every active area (or one): email each red group's alert once per
    window. Safe to run again the same day."""
    result = CheckResult()
    areas = Area.objects.filter(is_active=True).order_by("name")
    if area_slug:
        areas = areas.filter(slug=area_slug)
    for area in areas:
        result.areas += 1
        dashboard = selectors.surveillance_dashboard(
            area=area, window_days=window_days, years=years, today=today
        )
        if not dashboard.period.enough_history:
            result.no_history.append(area.slug)
            continue
        for signal in dashboard.signals:
            if signal.level != stats.Level.RED:
                continue
            result.red.append((area.slug, signal.group.code))
            alert = signal_alert_send(area=area, signal=signal, period=dashboard.period)
            if alert is not None:
                result.sent.append(alert)
    return result
