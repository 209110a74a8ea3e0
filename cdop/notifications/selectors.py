from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import LocalAuthority
from cdop.cases.models import Case, Task
from cdop.core.db import fetch_rows
from cdop.core.kept import kept_forget, kept_part
from cdop.notifications import jar
from cdop.notifications.duplicates import Band, duplicate_best_bands
from cdop.notifications.models import Notification
from cdop.notifications.reference import ResidenceStatus

# Encrypted fields the queue neither shows nor compares for its duplicate hints: left unread,
# so that a page of 200 does not decrypt 1,600 values it never uses.
QUEUE_UNREAD = (
    "child_other_names",
    "child_address",
    "parental_responsibility",
    "other_children",
    "carer_at_time",
    "notifier_name",
    "notifier_email",
    "notifier_phone",
    "case__child_first_name",
    "case__child_last_name",
    "case__child_nhs_number",
    "case__child_postcode",
)


def notification_new_count(*, user: User) -> int:
    """How many notifications wait in the person's queue (the start page): one fixed
    statement (cdop.core.db.fetch_rows), as notification_queue_for_user(...).count() counts."""
    areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    if not areas:
        return 0
    in_areas = ", ".join(["%s"] * len(areas))
    rows = fetch_rows(
        "SELECT COUNT(*) FROM notifications_notification"  # noqa: S608 (placeholders only)
        f" WHERE area_id IN ({in_areas}) AND status = %s",
        [*areas, Notification.Status.NEW],
    )
    return int(rows[0][0])


def notification_queue_for_user(*, user: User, status: str = "new") -> QuerySet[Notification]:
    area_ids = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    notifications = (
        Notification.objects.filter(area_id__in=area_ids)
        .select_related("area", "case")
        .defer(*QUEUE_UNREAD)
    )
    if status in Notification.Status.values:
        notifications = notifications.filter(status=status)
    return (
        notifications.order_by("received_at", "pk")
        if status == "new"
        else notifications.order_by("-received_at", "-pk")
    )


@dataclass(slots=True)
class QueuedNotification:
    """A notification as the queue shows it and compares it (its duplicate hint): plain
    values read in one statement, without a model instance for it, its area and the area it
    lived in (the ORM's instances cost more than the rest of the page)."""

    pk: int
    reference: str
    received_at: datetime.datetime
    status: str
    area_id: int
    case_id: int | None
    child_first_name: str
    child_last_name: str
    child_date_of_birth: datetime.date
    child_nhs_number: str
    child_postcode: str
    date_of_death: datetime.date
    time_of_death: datetime.time | None
    expectedness: str
    jar_required: bool
    residence_status: str
    residence_area_id: int | None
    residence_lower_code: str
    residence_upper_code: str
    notifier_organisation: str
    area_short_name: str
    residence_area_name: str | None


# QueuedNotification's values, in its order.
_QUEUED_COLUMNS = (
    "pk",
    "reference",
    "received_at",
    "status",
    "area_id",
    "case_id",
    "child_first_name",
    "child_last_name",
    "child_date_of_birth",
    "child_nhs_number",
    "child_postcode",
    "date_of_death",
    "time_of_death",
    "expectedness",
    "jar_required",
    "residence_status",
    "residence_area_id",
    "residence_lower_code",
    "residence_upper_code",
    "notifier_organisation",
    "area__short_name",
    "residence_area__name",
)


def notification_queue_page(
    *, user: User, status: str, number: str | None, size: int
) -> tuple[Page[int], list[QueuedNotification]]:
    """A page of the queue and its notifications (a page past the last shows the last, as
    every list does: Paginator.get_page). The page's ids are picked off the index (area,
    status, received_at, id) in a subquery and only those rows are read: sorting every row
    of the status to find a page cost more as the backlog grew (17 ms for 3,000 new)."""
    notifications = notification_queue_for_user(user=user, status=status)
    page = Paginator(notifications.values_list("pk", flat=True), size).get_page(number)
    rows = notifications.filter(pk__in=page.object_list).values_list(*_QUEUED_COLUMNS)
    return page, [QueuedNotification(*row) for row in rows]


def notification_get_for_user(*, user: User, reference: str) -> Notification:
    notification = (
        Notification.objects.select_related("area", "case", "residence_area")
        .filter(reference=reference)
        .first()
    )
    if notification is None or not permissions.can_view_notification(user, notification):
        raise Http404("No such notification")
    return notification


def notifications_of_case(*, case: Case) -> QuerySet[Notification]:
    """Every notification of a case, first received first: each notifier's account."""
    return Notification.objects.filter(case=case).order_by("received_at", "pk")


def notification_jar_tasks(*, notification: Notification) -> QuerySet[Task]:
    """The Joint Agency Response tasks made for the notification, by due date."""
    return Task.objects.filter(notification=notification, rule=jar.RULE).order_by("due_at", "pk")


# --- What the triage pages show ------------------------------------------------------------


def expected_notification_hours() -> int:
    """Notification is expected within this many hours of the death (domain.md §4)."""
    return int(getattr(settings, "NOTIFICATION_EXPECTED_HOURS", 24))


@dataclass(frozen=True)
class Timeliness:
    hours: float | None
    late: bool
    label: str


def notification_timeliness(notification: Notification | QueuedNotification) -> Timeliness:
    """How long after the death the notification arrived, against the expectation.

    Without a time of death, midday is assumed and the words say "about".
    """
    time_of_death = notification.time_of_death or datetime.time(12, 0)
    death = timezone.make_aware(
        datetime.datetime.combine(notification.date_of_death, time_of_death),
        timezone.get_default_timezone(),
    )
    hours = (notification.received_at - death).total_seconds() / 3600
    if hours < 0:
        return Timeliness(hours, False, "Received before the recorded time of death")
    expected = expected_notification_hours()
    about = "" if notification.time_of_death else "about "
    whole = int(hours)
    if whole < 1:
        amount = "less than an hour"
    elif whole == 1:
        amount = "1 hour"
    elif whole < 72:
        amount = f"{whole} hours"
    else:
        amount = f"{whole // 24} days"
    late = hours > expected
    label = f"Notified {about}{amount} after death"
    if late:
        label += f" — later than {expected} hours"
    return Timeliness(hours, late, label)


def residence_label(
    notification: Notification | QueuedNotification, authority_names: dict[str, str]
) -> str:
    """Where the child lived, in the few words of a tag."""
    status = notification.residence_status
    if status == ResidenceStatus.THIS_AREA or (
        notification.residence_area_id is not None
        and notification.residence_area_id == notification.area_id
    ):
        return "This area"
    if status == ResidenceStatus.OTHER_AREA:
        name = authority_names.get(notification.residence_upper_code) or authority_names.get(
            notification.residence_lower_code
        )
        if not name and notification.residence_area_id is not None:
            name = (
                notification.residence_area_name
                if isinstance(notification, QueuedNotification)
                else notification.residence_area.name  # type: ignore[union-attr]
            )
        return f"Other area: {name}" if name else "Other area"
    if status == ResidenceStatus.NOT_ENGLAND:
        return "Not England"
    return "Unknown"


def authority_names_for(
    notifications: Sequence[Notification | QueuedNotification],
) -> dict[str, str]:
    codes = {
        code
        for n in notifications
        for code in (n.residence_upper_code, n.residence_lower_code)
        if code
    }
    if not codes:
        return {}
    return dict(LocalAuthority.objects.filter(ons_code__in=codes).values_list("ons_code", "name"))


@dataclass(frozen=True)
class TriageRow:
    notification: Notification | QueuedNotification
    residence: str
    timeliness: Timeliness
    duplicate: Band | None

    @property
    def possible_duplicate(self) -> bool:
        return self.duplicate is not None and self.duplicate >= Band.LIKELY


QUEUE_BANDS_SECONDS = 300
_QUEUE_BANDS_KEY = "notifications:queue-bands:{}"


def queue_bands_forget(area_id: int | None) -> None:
    """Forget an area's kept duplicate hints (cdop.core.kept: at once, or at the commit)."""
    if area_id is not None:
        kept_forget(_QUEUE_BANDS_KEY.format(area_id))


def duplicate_best_bands_kept(
    *, notifications: Sequence[Notification | QueuedNotification]
) -> dict[int, Band]:
    """duplicate_best_bands of a page of the queue, kept in the shared cache under each area
    (cdop.core.kept, one part per page of notifications). Each hint compares a notification
    with the cases and waiting notifications of its area, so a save or delete of either
    forgets the area's hints (cdop.notifications.apps), as do the services that write them
    without signals (kept_forget_area); QUEUE_BANDS_SECONDS at most, since a closed case stops
    being a candidate with the passing of time. Reading and decrypting the candidates was a
    third of the queue's time at 50,000 cases."""
    by_area: dict[int, list[Notification | QueuedNotification]] = {}
    for notification in notifications:
        by_area.setdefault(notification.area_id, []).append(notification)
    best: dict[int, Band] = {}
    for area_id, those in sorted(by_area.items()):
        best |= kept_part(
            _QUEUE_BANDS_KEY.format(area_id),
            tuple(sorted(n.pk for n in those)),
            functools.partial(duplicate_best_bands, notifications=those),
            seconds=QUEUE_BANDS_SECONDS,
        )
    return best


def notification_triage_rows(
    *, notifications: Sequence[Notification | QueuedNotification]
) -> list[TriageRow]:
    """The queue's rows: residence, timeliness and a duplicate hint for each notification.

    A few queries for the whole page, whatever its length.
    """
    names = authority_names_for(notifications)
    new = [n for n in notifications if n.status == Notification.Status.NEW]
    bands = duplicate_best_bands_kept(notifications=new)
    return [
        TriageRow(
            notification=n,
            residence=residence_label(n, names),
            timeliness=notification_timeliness(n),
            duplicate=bands.get(n.pk),
        )
        for n in notifications
    ]
